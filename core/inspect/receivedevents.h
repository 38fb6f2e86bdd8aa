// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A capped store of received events, built to absorb floods (100k events/s) with bounded memory.
// Each event is one 40-byte record plus its payload ([args, kwargs] as MessagePack) in 1 MiB byte chunks;
// topics are interned. Events get consecutive sequence numbers; once the cap is reached the oldest are
// dropped (firstSeq() moves), and chunks are freed when no record points into them. Decoding happens only
// when an event is shown. Per-topic statistics (count, rate, last payload) are kept alongside.
// Not thread-safe: owned by one thread (the panel's).

#include "wamp/value.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <deque>
#include <vector>

namespace wb::inspect {

class ReceivedEventLog
{
public:
    static constexpr qsizetype kDefaultCap = 1000000;

    struct Record
    {
        qint64 timeMs = 0;       ///< receive time, ms since the epoch
        quint64 publisher = 0;   ///< 0 when not disclosed
        quint64 subscription = 0;
        quint32 topic = 0;       ///< index into topicName()
        quint32 chunk = 0;
        quint32 offset = 0;
        quint32 length = 0;      ///< payload bytes stored
        quint32 wireSize = 0;    ///< size of the EVENT message on the wire (0 if unknown)
    };

    struct TopicStat
    {
        quint64 count = 0;
        qint64 lastTimeMs = 0;
        quint64 lastSeq = 0;
        double rate = 0;          ///< events/s over the last rate window
        quint64 countAtRate = 0;  ///< count when the rate was last computed
        QByteArray lastPayload;   ///< copied at rate updates (survives the event being dropped)
    };

    explicit ReceivedEventLog(qsizetype cap = kDefaultCap);

    qsizetype cap() const { return m_cap; }
    /// Change the cap; drops the oldest events at once if needed.
    void setCap(qsizetype cap);

    /// Append an event; returns its sequence number.
    quint64 append(qint64 timeMs, quint64 subscription, const QString &topic, quint64 publisher,
                   const wamp::List &args, const wamp::Dict &kwargs, quint32 wireSize = 0);
    void clear();

    quint64 firstSeq() const { return m_firstSeq; }
    quint64 endSeq() const { return m_firstSeq + quint64(m_records.size()); }
    qsizetype size() const { return qsizetype(m_records.size()); }
    bool contains(quint64 seq) const { return seq >= m_firstSeq && seq < endSeq(); }
    /// Total appended since construction/clear (dropped ones included).
    quint64 totalAppended() const { return endSeq() - m_clearedSeq; }
    quint64 dropped() const { return m_firstSeq - m_clearedSeq; }

    const Record &record(quint64 seq) const { return m_records[size_t(seq - m_firstSeq)]; }
    QByteArrayView payloadBytes(quint64 seq) const;
    /// Decoded payload of a stored event.
    bool payload(quint64 seq, wamp::List *args, wamp::Dict *kwargs) const;
    /// {"args":..., "kwargs":...}
    wamp::Value payloadRoot(quint64 seq) const;
    /// One-line preview "[1, 2] {"a": 1}" (bytes as hex), at most \a maxChars characters.
    QString preview(quint64 seq, int maxChars = 200) const;

    // ---- topics ----
    qsizetype topicCount() const { return m_topics.size(); }
    const QString &topicName(quint32 id) const { return m_topics.at(id); }
    const TopicStat &topicStat(quint32 id) const { return m_stats[id]; }
    /// Recompute per-topic rates when at least \a windowMs passed since the last update; copies the last
    /// payload of topics that changed. Returns true when rates were recomputed.
    bool updateRates(qint64 nowMs, qint64 windowMs = 1000);

    /// Approximate heap bytes held (records + payload chunks).
    qint64 memoryBytes() const;

private:
    void dropFront(qsizetype n);

    struct Chunk
    {
        quint32 number = 0;
        QByteArray data;
    };

    qsizetype m_cap;
    std::deque<Record> m_records;
    std::deque<Chunk> m_chunks;
    quint32 m_nextChunk = 0;
    quint64 m_firstSeq = 0;
    quint64 m_clearedSeq = 0;
    QStringList m_topics;
    QHash<QString, quint32> m_topicIds;
    std::vector<TopicStat> m_stats;
    qint64 m_lastRateMs = 0;
};

} // namespace wb::inspect
