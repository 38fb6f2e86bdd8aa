// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A bounded log of router events (rejected connections, protocol violations, slow consumers, auth failures):
// a ring of the last N lines, each with a sequence number, so a reader on another thread asks for "everything
// after seq S" and learns how many lines it missed. The router thread appends; RouterHost hands the new lines
// to the GUI thread in batches (at most one queued event per ~100 ms), never one queued signal per line.
// Thread-safe (one mutex; appends are rare next to routed messages).

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QMutex>
#include <QString>

#include <deque>

namespace wb::router {

struct RouterLogLine
{
    quint64 seq = 0;   ///< 1, 2, 3, ... in append order, never reused
    qint64 timeMs = 0; ///< wall clock (ms since the epoch) when the router logged it
    QString text;
    bool operator==(const RouterLogLine &) const = default;
};

/// Lines after a given sequence number, plus how many of those had already fallen out of the ring.
struct RouterLogBatch
{
    QList<RouterLogLine> lines;
    quint64 dropped = 0; ///< lines the reader never saw (the ring overflowed between two reads)
};

class RouterLog
{
    Q_DISABLE_COPY_MOVE(RouterLog)
public:
    static constexpr int kDefaultCapacity = 2000;
    explicit RouterLog(int capacity = kDefaultCapacity);

    /// Appends a line; returns its sequence number.
    quint64 append(const QString &text);
    /// Lines with seq > \a afterSeq still in the ring (oldest first); at most \a max lines (the newest are kept).
    RouterLogBatch since(quint64 afterSeq, int max = -1) const;
    /// The sequence number of the newest line (0: none yet).
    quint64 lastSeq() const;
    int size() const;
    int capacity() const { return m_capacity; }

private:
    mutable QMutex m_mutex;
    const int m_capacity;
    std::deque<RouterLogLine> m_lines;
    quint64 m_lastSeq = 0;
};

} // namespace wb::router

Q_DECLARE_METATYPE(wb::router::RouterLogLine)
Q_DECLARE_METATYPE(wb::router::RouterLogBatch)
