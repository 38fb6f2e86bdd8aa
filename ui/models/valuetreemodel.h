// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A wamp::Value as a collapsible tree: key/index, value (scalars shown, containers summarised) and type.
// Bytes show as hex. Built when a payload is selected; very large payloads are cut at kMaxNodes.

#include "wamp/value.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace wb::ui {

class ValueTreeModel : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ValueTreeModel)
public:
    enum Column { KeyColumn, ValueColumn, TypeColumn, ColumnCount };
    static constexpr int kMaxNodes = 50000;

    explicit ValueTreeModel(QObject *parent = nullptr);
    ~ValueTreeModel() override;

    /// Show \a value; its top-level entries become the root rows (a dict's keys, a list's indexes).
    void setValue(const wamp::Value &value);
    const wamp::Value &value() const { return m_value; }
    bool truncated() const { return m_truncated; }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString key;
        wamp::Value value;
        Node *parent = nullptr;
        int row = 0;
        std::vector<std::unique_ptr<Node>> children;
    };
    void build(Node *n);
    Node *nodeOf(const QModelIndex &idx) const;

    wamp::Value m_value;
    std::unique_ptr<Node> m_root;
    int m_nodes = 0;
    bool m_truncated = false;
};

} // namespace wb::ui
