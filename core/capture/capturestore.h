// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The traffic capture: every WAMP message in and out of every connection, in a capped ring (default 1M
// messages; the oldest are dropped first). Each record is compact — a 56-byte struct with a few header fields;
// the raw bytes go into 1 MiB chunks that are freed as the oldest records drop out (no per-message heap block);
// the full message is decoded only when shown.
//
// Correlation, done as messages arrive (a few hash lookups):
//  - exact, same connection: RESULT / ERROR(CALL) / CANCEL with the CALL's request ID;
//  - across the app's connections: an INVOCATION is matched to a CALL of the same procedure (the callee's
//    REGISTER → REGISTERED gives the procedure of a registration ID). When the INVOCATION discloses the
//    caller's session ID and that session is one of ours, the match is exact ("caller disclosed"); otherwise it
//    is the oldest unanswered CALL of that procedure ("by procedure and order", a heuristic);
//  - YIELD / ERROR(INVOCATION) / INTERRUPT follow their INVOCATION by request ID on the callee's connection.

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

enum class Direction : quint8 { Out = 0, In = 1 };

enum class LinkKind : quint8 {
    None = 0,
    Exact = 1,          ///< same connection, same request ID
    CallerDisclosed = 2, ///< INVOCATION.Details.caller is the session of the calling connection
    ByProcedure = 3      ///< same procedure, oldest unanswered CALL (heuristic)
};

struct CaptureRecord
{
    qint64 timeUs = 0;     ///< microseconds since the epoch
    quint64 seq = 0;       ///< 1, 2, 3, ... unique in the store
    quint64 requestId = 0; ///< the message's request ID (0 if none)
    quint64 linkSeq = 0;   ///< seq of the CALL this message belongs to (its own seq for a CALL), 0: none
    quint32 chunk = 0;     ///< where the raw bytes are: CaptureStore::bytes(seq)
    quint32 offset = 0;
    quint32 size = 0;      ///< raw size in bytes
    quint32 uri = 0;       ///< interned URI (topic/procedure/error/realm...); 0: none
    quint16 connection = 0;
    quint8 type = 0;       ///< WAMP message type code; 0: could not be decoded
    quint8 serializer = 0; ///< codec::SerializerId
    Direction direction = Direction::In;
    LinkKind link = LinkKind::None;
    bool violation = false;
};

class CaptureStore : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureStore)
public:
    static constexpr qsizetype kDefaultCapacity = 1'000'000;

    explicit CaptureStore(QObject *parent = nullptr);

    /// Connections are small integers; names are shown in the log.
    quint16 addConnection(const QString &name);
    void setConnectionName(quint16 connection, const QString &name);
    QString connectionName(quint16 connection) const { return m_connections.value(connection); }
    /// Forget per-connection correlation state (the connection left or reconnects).
    void resetConnection(quint16 connection);
    /// The session ID the connection currently has (for caller-disclosed matching).
    void setSessionId(quint16 connection, quint64 sessionId);

    void record(quint16 connection, Direction dir, const wamp::Message &m, const QByteArray &bytes,
                codec::SerializerId serializer, qint64 timeUs = 0);
    /// An incoming message broke the protocol. If it is the last message recorded on the connection (already
    /// decoded), that record is flagged; otherwise (undecodable bytes) a new record is added.
    void recordViolation(quint16 connection, const QString &reason, const QByteArray &bytes,
                         codec::SerializerId serializer, qint64 timeUs = 0);

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
    quint64 linkInvocation(quint16 conn, const wamp::Message &m, quint32 procedure, LinkKind *kind);

    static quint64 key(quint16 conn, quint64 id) { return (quint64(conn) << 54) ^ id; }

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

    QStringList m_connections;
    QList<quint64> m_sessionIds;
    QList<quint64> m_lastSeq; ///< per connection
    QStringList m_uris{QString()};
    QHash<QString, quint32> m_uriIndex;
    QHash<quint64, QString> m_violations;

    // correlation state (bounded: see kMaxPending)
    QHash<quint64, quint64> m_calls;          ///< key(conn, request) -> CALL seq (unanswered)
    QHash<quint32, QList<quint64>> m_callsByProcedure; ///< procedure -> unanswered CALL seqs, oldest first
    QHash<quint64, quint32> m_pendingRegs;    ///< key(conn, REGISTER request) -> procedure
    QHash<quint64, quint32> m_registrations;  ///< key(conn, registration) -> procedure
    QHash<quint64, quint32> m_pendingSubs;    ///< key(conn, SUBSCRIBE request) -> topic
    QHash<quint64, quint32> m_subscriptions;  ///< key(conn, subscription) -> topic
    QHash<quint64, quint64> m_invocations;    ///< key(conn, invocation request) -> CALL seq
};

} // namespace wb::capture
