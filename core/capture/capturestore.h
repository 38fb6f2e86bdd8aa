// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The traffic capture's in-memory index: every WAMP message in and out of every connection, in a capped ring
// (default 1M messages; the oldest are dropped first). Each record is compact — an 80-byte struct with a few header
// fields (capturerecord.h); the raw bytes go into 1 MiB chunks that are freed as the oldest records drop out (no per-message heap block);
// the full message is decoded only when shown.
//
// Correlation, done as messages arrive (a few hash lookups):
//  - exact, same connection: RESULT / ERROR(CALL) / CANCEL with the CALL's request ID;
//  - across the app's connections: an INVOCATION is matched to a CALL of the same procedure (the callee's
//    REGISTER → REGISTERED gives the procedure of a registration ID). When the INVOCATION discloses the
//    caller's session ID and that session is one of ours, the match is exact ("caller disclosed"); otherwise it
//    is the oldest unanswered CALL of that procedure ("by procedure and order", a heuristic);
//  - YIELD / ERROR(INVOCATION) / INTERRUPT follow their INVOCATION by request ID on the callee's connection.
// Directions are read from the connection's Perspective: "from the client" is Out for a client-side recording
// and In for a router-side one, so the same rules serve both.

#include "capture/capturerecord.h"
#include "capture/connectioninfo.h"
#include "capture/correlationmap.h"
#include "capture/trafficsink.h"
#include "codec/serializer.h"
#include "wamp/message.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <deque>
#include <memory>
#include <vector>

namespace wb::capture {

/// Fed by a Recorder (as its TrafficSink) or directly (tests, benchmarks). Lives on one thread.
class CaptureStore : public QObject, public TrafficSink
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureStore)
public:
    static constexpr qsizetype kDefaultCapacity = 1'000'000;

    explicit CaptureStore(QObject *parent = nullptr);

    /// Without a Recorder: connections are numbered 0, 1, 2, ... here; names are shown in the log.
    ConnectionId addConnection(const QString &name, Perspective perspective = Perspective::Client);
    void setConnectionName(ConnectionId connection, const QString &name);
    QString connectionName(ConnectionId connection) const;
    /// The source of the connection (ConnectionInfo::source; a connection added here is its own source).
    quint32 connectionSource(ConnectionId connection) const;
    Perspective perspective(ConnectionId connection) const;
    qsizetype connectionCount() const { return qsizetype(m_conns.size()); }
    /// Forget per-connection correlation state (the connection left or reconnects).
    void resetConnection(ConnectionId connection);
    /// The session ID the connection currently has (for caller-disclosed matching).
    void setSessionId(ConnectionId connection, quint64 sessionId);

    /// \a timeUs: wall clock of the read/write (0: now). Without a Recorder; the record gets the connection's
    /// current session ID.
    void record(ConnectionId connection, Direction dir, const wamp::Message &m, const QByteArray &bytes,
                codec::SerializerId serializer, qint64 timeUs = 0);
    /// An incoming message broke the protocol. If it is the last message recorded on the connection (already
    /// decoded), that record is flagged; otherwise (undecodable bytes) a new record is added.
    void recordViolation(ConnectionId connection, const QString &reason, const QByteArray &bytes,
                         codec::SerializerId serializer, qint64 timeUs = 0);

    // TrafficSink (what a Recorder feeds)
    void connectionChanged(const ConnectionInfo &info) override;
    void messageRecorded(const RecordedMessage &message) override;

    qsizetype capacity() const { return m_capacity; }
    /// Oldest records are dropped when the new capacity is smaller.
    void setCapacity(qsizetype capacity);
    void clear();

    qsizetype size() const { return qsizetype(m_ring.size()); }
    quint64 firstSeq() const { return m_firstSeq; }
    quint64 nextSeq() const { return m_nextSeq; }
    /// Total recorded since the start (including dropped ones).
    quint64 totalRecorded() const { return m_nextSeq - 1; }
    bool contains(quint64 seq) const { return seq >= m_firstSeq && seq < m_nextSeq; }
    /// The record with \a seq; must be contains(seq).
    const CaptureRecord &at(quint64 seq) const;
    /// The raw bytes of \a seq (a copy; empty if dropped).
    QByteArray bytes(quint64 seq) const;
    QString uri(quint32 index) const { return index < quint32(m_uris.size()) ? m_uris.at(index) : QString(); }
    QString violationReason(quint64 seq) const { return m_violations.value(seq); }

    /// The CALL and every message linked to it, in order (empty if \a seq is not linked to a CALL).
    QList<quint64> linkedMessages(quint64 seq) const;
    /// Decoded message (for display); invalid Message with \a error set when it does not decode.
    wamp::Message decode(quint64 seq, QString *error = nullptr) const;

    /// Rough heap use of the records (structs + payload bytes), for the status line and the benchmark.
    qint64 approximateBytes() const;

private:
    quint32 intern(const QString &uri);
    CaptureRecord &push(CaptureRecord r, const QByteArray &bytes);
    void storeBytes(CaptureRecord &r, const QByteArray &bytes);
    void releaseChunks();
    quint64 linkInvocation(const wamp::Message &m, quint32 procedure, LinkKind *kind);
    /// The correlation switch; \a r has the header fields of the record already.
    /// \a linkConnection / \a linkRequest: a router tap's exact correlation (RecordedMessage::linkConnection).
    void recordDecoded(CaptureRecord r, const wamp::Message &m, const QByteArray &bytes,
                       ConnectionId linkConnection = kNoConnection, quint64 linkRequest = 0);
    void recordViolationRecord(CaptureRecord r, const QString &reason, const QByteArray &bytes);
    void ensureConnection(ConnectionId connection);

    using ConnKey = detail::ConnKey;

    qsizetype m_capacity = kDefaultCapacity;
    std::vector<CaptureRecord> m_ring;
    qsizetype m_head = 0; ///< physical index of the oldest record once the ring is full
    quint64 m_firstSeq = 1;
    quint64 m_nextSeq = 1;
    struct Chunk
    {
        quint32 id = 0;
        quint32 capacity = 0;
        quint32 used = 0;
        std::unique_ptr<char[]> data;
    };
    std::deque<Chunk> m_chunks; ///< oldest first
    quint32 m_nextChunkId = 1;
    qint64 m_chunkBytes = 0;

    struct Conn
    {
        QString name;
        quint32 source = 0;
        Perspective perspective = Perspective::Client;
        quint64 sessionId = 0; ///< current
        quint64 lastSeq = 0;
    };
    std::vector<Conn> m_conns; ///< indexed by ConnectionId
    QHash<quint64, ConnectionId> m_connBySession; ///< current session ID -> connection (caller disclosed)
    QStringList m_uris{QString()};
    QHash<QString, quint32> m_uriIndex;
    QHash<quint64, QString> m_violations;

    // correlation state, each map bounded to its newest entries (kMaxPending)
    static constexpr qsizetype kMaxPending = 100'000;
    detail::CorrelationMap<quint64> m_calls{kMaxPending};         ///< (conn, request) -> CALL seq (unanswered)
    QHash<quint32, QList<quint64>> m_callsByProcedure;            ///< procedure -> unanswered CALL seqs, oldest first
    detail::CorrelationMap<quint32> m_pendingRegs{kMaxPending};   ///< (conn, REGISTER request) -> procedure
    detail::CorrelationMap<quint32> m_registrations{kMaxPending}; ///< (conn, registration) -> procedure
    detail::CorrelationMap<quint32> m_pendingSubs{kMaxPending};   ///< (conn, SUBSCRIBE request) -> topic
    detail::CorrelationMap<quint32> m_subscriptions{kMaxPending}; ///< (conn, subscription) -> topic
    detail::CorrelationMap<quint64> m_invocations{kMaxPending};   ///< (conn, invocation request) -> CALL seq
};

} // namespace wb::capture
