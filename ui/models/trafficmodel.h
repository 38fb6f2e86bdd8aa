// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Table model over the CaptureStore. New messages are not announced one by one: sync() (called on a timer)
// appends everything recorded since the last call as one batch and removes the rows the cap dropped.

#include "capture/capturestore.h"

#include <QAbstractTableModel>
#include <QCache>

namespace wb::ui {

class TrafficModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficModel)
public:
    enum Column { Time, Connection, Direction, Type, Ids, Uri, Size, Link, ColumnCount };
    enum Role { SeqRole = Qt::UserRole + 1 };

    explicit TrafficModel(capture::CaptureStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    capture::CaptureStore *store() const { return m_store; }
    /// The store seq shown in \a row (0 if out of range).
    quint64 seqAt(int row) const;
    /// The row showing \a seq, or -1.
    int rowOf(quint64 seq) const;

    /// Take over what the store recorded since the last sync (one insert batch), drop evicted rows.
    /// While paused only evictions are applied.
    void sync();
    void setPaused(bool paused) { m_paused = paused; }
    bool isPaused() const { return m_paused; }
    /// Recorded but not yet shown (while paused).
    quint64 pendingCount() const;

    /// "3.42 ms" style RTT between a linked message and its CALL; empty if not linked.
    QString linkText(const capture::CaptureRecord &r) const;
    static QString linkKindName(capture::LinkKind k);

private:
    QString idsText(quint64 seq, const capture::CaptureRecord &r) const;
    QString buildIdsText(quint64 seq, const capture::CaptureRecord &r) const;

    capture::CaptureStore *m_store;
    /// IDs column strings of the rows painted lately (decoding EVENT/INVOCATION/... on every paint was the cost
    /// of scrolling); seqs are never reused, so entries never go stale.
    mutable QCache<quint64, QString> m_idsCache{20'000};
    quint64 m_first = 1; ///< seq of row 0
    int m_count = 0;
    bool m_paused = false;
};

} // namespace wb::ui
