// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A live table over an inspect::ReceivedEventLog. Nothing happens per event: refresh() (called on a timer,
// e.g. every 80 ms) removes the rows the store dropped with one beginRemoveRows and appends the new ones
// with one beginInsertRows. Without a filter rows map straight onto sequence numbers; with one, matching
// sequence numbers are kept in a deque, and scanning is bounded per refresh (it catches up over ticks).
// Cells are formatted and payloads decoded only when a view asks for them.

#include "inspect/eventfilter.h"
#include "inspect/receivedevents.h"

#include <QAbstractTableModel>

#include <deque>

namespace wb::ui {

class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventLogModel)
public:
    enum Column { TimeColumn, TopicColumn, PublisherColumn, PayloadColumn, SizeColumn, ColumnCount };
    enum Role { SeqRole = Qt::UserRole + 1 };

    explicit EventLogModel(const inspect::ReceivedEventLog *store, QObject *parent = nullptr);

    const inspect::EventFilter &filter() const { return m_filter; }
    /// Rebuilds the rows (a model reset); the scan of existing events proceeds over the next refreshes.
    void setFilter(const inspect::EventFilter &filter);
    /// Paused: new events are not shown (they are still stored); dropped ones still disappear.
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    /// Apply what changed in the store since the last call. Returns the number of rows inserted.
    int refresh();
    /// The store was cleared.
    void resetFromStore();
    /// Max time one refresh may spend evaluating a payload filter.
    void setScanBudgetMs(int ms) { m_scanBudgetMs = ms; }
    /// True while a filtered scan has not caught up with the store.
    bool isScanning() const;

    quint64 seqAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool filtered() const { return !m_filter.isEmpty(); }

    const inspect::ReceivedEventLog *m_store;
    inspect::EventFilter m_filter;
    bool m_paused = false;
    int m_scanBudgetMs = 25;
    // unfiltered: rows are [m_first, m_end)
    quint64 m_first = 0;
    quint64 m_end = 0;
    // filtered
    std::deque<quint64> m_rows;
    quint64 m_scanned = 0;
};

} // namespace wb::ui
