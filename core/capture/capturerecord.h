// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What capture records per message: RecordedMessage, the value a source (session tap, later a router tap or a
// proxy) hands to the Recorder, from any thread; and CaptureRecord, the compact entry CaptureStore keeps per
// message in its ring (the raw bytes live in the store's chunks).

#include "codec/serializer.h"
#include "transport/timestamp.h"
#include "wamp/message.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace wb::capture {

/// Connections are numbered by the Recorder (or by CaptureStore::addConnection() without one): 0, 1, 2, ...
/// 32 bits: a router tap sees every connection of a long run.
using ConnectionId = quint32;

/// As the recording side saw it: Out = we sent it.
enum class Direction : quint8 { Out = 0, In = 1 };

/// Which end of the connection the recording sits on. Correlation (CALL -> RESULT, INVOCATION -> YIELD) is
/// written in terms of "from the client" / "to the client", so a router-side tap (Router perspective: a CALL
/// comes In) correlates like a client (a CALL goes Out).
enum class Perspective : quint8 { Client = 0, Router = 1 };

enum class LinkKind : quint8 {
    None = 0,
    Exact = 1,           ///< same connection, same request ID
    CallerDisclosed = 2, ///< INVOCATION.Details.caller is the session of the calling connection
    ByProcedure = 3,     ///< same procedure, oldest unanswered CALL (heuristic)
    Routed = 4           ///< the router that routed it said which CALL it belongs to (router-side recording)
};

/// What a record is: a WAMP message (the usual case) or a transport event without a WAMP message.
enum class RecordKind : quint8 {
    Message = 0,        ///< bytes: one WAMP message as it was on the wire
    Ping = 1,           ///< WebSocket ping (bytes: its payload)
    Pong = 2,           ///< WebSocket pong (bytes: its payload)
    TransportError = 3, ///< the transport reported an error (violation: its text; bytes: what was read, if any)
};

inline constexpr quint32 kNoConnection = 0xffffffffu;

/// One message as a source hands it over. A value type: it crosses threads in Recorder::appendBatch().
struct RecordedMessage
{
    ConnectionId connection = 0;
    quint64 sessionId = 0;          ///< the session the message belongs to (0: none yet, e.g. HELLO)
    Direction direction = Direction::In;
    codec::SerializerId serializer = codec::SerializerId::Invalid;
    bool binary = false;            ///< WebSocket binary frame (else text); RawSocket: the serializer's kind
    transport::Timestamp time;      ///< taken by the transport where the bytes were read / written
    QByteArray bytes;               ///< exactly the message payload on the wire
    wamp::Message message;          ///< decoded, if the source has it (else the store decodes the bytes)
    QString violation;              ///< non-empty: the message broke the protocol (this is why)
    RecordKind kind = RecordKind::Message;
    /// Set by a source that knows the correlation for certain (the built-in router's tap): this message belongs
    /// to request linkRequest on connection linkConnection. An INVOCATION names the CALL (caller's connection,
    /// CALL request ID) it was made for; a RESULT names the INVOCATION (callee's connection, INVOCATION request ID)
    /// whose YIELD it carries. kNoConnection: not known (the store correlates by its own rules).
    ConnectionId linkConnection = kNoConnection;
    quint64 linkRequest = 0;
};

/// The store's compact per-message entry (80 bytes).
struct CaptureRecord
{
    qint64 timeUs = 0;     ///< wall clock, microseconds since the epoch (where the bytes were read/written)
    qint64 monoUs = 0;     ///< steady clock, microseconds (0: not known, e.g. recorded without a transport time)
    quint64 seq = 0;       ///< 1, 2, 3, ... unique in the store
    quint64 requestId = 0; ///< the message's request ID (0 if none)
    quint64 linkSeq = 0;   ///< seq of the CALL this message belongs to (its own seq for a CALL), 0: none
    quint64 sessionId = 0; ///< the session the message belongs to (0: none yet)
    quint32 chunk = 0;     ///< where the raw bytes are: CaptureStore::bytes(seq)
    quint32 offset = 0;
    quint32 size = 0;      ///< raw size in bytes
    quint32 uri = 0;       ///< interned URI (topic/procedure/error/realm...); 0: none
    ConnectionId connection = 0;
    quint8 type = 0;       ///< WAMP message type code; 0: could not be decoded
    quint8 serializer = 0; ///< codec::SerializerId
    Direction direction = Direction::In;
    LinkKind link = LinkKind::None;
    bool violation = false;
    bool binary = false;   ///< sent as a binary WebSocket message
    RecordKind kind = RecordKind::Message;
};
static_assert(sizeof(CaptureRecord) <= 80, "CaptureRecord is meant to stay at 80 bytes");

} // namespace wb::capture

Q_DECLARE_METATYPE(wb::capture::RecordedMessage)
