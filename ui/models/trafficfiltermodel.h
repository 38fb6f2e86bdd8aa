// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSortFilterProxyModel>

namespace wb::ui {

class TrafficModel;

/// Filters by connection, message type, text (URI, IDs, type name, violation reason) and "flagged only".
class TrafficFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficFilterModel)
public:
    explicit TrafficFilterModel(TrafficModel *source, QObject *parent = nullptr);

    /// Rows of \a connection's source (the connection and its reconnects); -1: all.
    void setConnectionFilter(int connection);
    void setTypeFilter(int typeCode);         ///< 0: all
    void setTextFilter(const QString &text);
    void setFlaggedOnly(bool on);
    bool isFiltering() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    TrafficModel *m_source;
    qint64 m_sourceFilter = -1; ///< source of the chosen connection
    int m_type = 0;
    QString m_text;
    bool m_flaggedOnly = false;
};

} // namespace wb::ui
