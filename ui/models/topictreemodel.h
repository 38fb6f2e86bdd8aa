// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Every topic seen, as a tree of URI components (com > example > sensors > t1), with the number of events
// (a node counts its whole subtree), the rate in events/s and the last payload. Fed from the ReceivedEventLog's
// per-topic statistics by refresh() on a timer: new topics insert rows, figures change with one
// dataChanged per parent.

#include "inspect/receivedevents.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace wb::ui {

class TopicTreeModel : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TopicTreeModel)
public:
    enum Column { NameColumn, CountColumn, RateColumn, LastPayloadColumn, ColumnCount };
    enum Role { TopicRole = Qt::UserRole + 1 }; ///< full topic URI (empty for inner nodes that are no topic)

    explicit TopicTreeModel(const inspect::ReceivedEventLog *store, QObject *parent = nullptr);
    ~TopicTreeModel() override;

    void refresh();
    void resetFromStore();
    /// Index of a full topic URI (invalid if unknown).
    QModelIndex indexOfTopic(const QString &topic) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString name;
        Node *parent = nullptr;
        int row = 0;
        qint64 topic = -1; ///< topic id in the store when a topic ends here
        quint64 count = 0; ///< subtree total
        double rate = 0;   ///< subtree total
        std::vector<std::unique_ptr<Node>> children;
        QHash<QString, Node *> byName;
    };
    void addTopic(quint32 id);
    void aggregate(Node *n);
    void emitChanged(Node *n);
    QModelIndex indexOf(Node *n, int column) const;
    Node *nodeOf(const QModelIndex &idx) const;

    const inspect::ReceivedEventLog *m_store;
    std::unique_ptr<Node> m_root;
    qsizetype m_known = 0;
    QHash<QString, Node *> m_byTopic;
};

} // namespace wb::ui
