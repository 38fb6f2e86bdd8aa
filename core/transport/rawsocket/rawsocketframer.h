// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// WAMP RawSocket wire format (wamp-notes.md section 8.2): the 4-octet handshake and the 4-octet frame
// header, plus a resumable frame parser. Pure code, no I/O: RawSocketTransport feeds it what the socket
// delivered, in whatever chunks the socket delivered it.

#include "transport/transport.h"
#include "wamp/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace wb::transport::rawsocket {

inline constexpr quint8 kMagic = 0x7F;
inline constexpr int kHandshakeSize = 4;
inline constexpr int kHeaderSize = 4;
/// Largest payload a frame can carry: 2^24 (the X bit encodes exactly this length).
inline constexpr qint64 kMaxFrameLength = qint64(1) << 24;

enum class FrameType : quint8 { Message = 0, Ping = 1, Pong = 2 };

/// Error codes of a handshake error reply (high nibble of octet 1, serializer nibble 0).
enum class HandshakeError : quint8 {
    None = 0,
    SerializerUnsupported = 1,
    MaxLengthUnacceptable = 2,
    ReservedBitsUsed = 3,
    MaxConnectionCountReached = 4,
};

/// Length exponent L announced in the handshake: the smallest L with 2^(9+L) >= maxSize, clamped to 0..15.
int lengthExponentFor(qint64 maxSize);
/// 2^(9+L) for L in 0..15.
qint64 maxLengthForExponent(int lengthExponent);

/// A decoded handshake (request or reply).
struct Handshake
{
    int serializerId = 0;   ///< 0 in an error reply
    int lengthExponent = 0; ///< valid when !isError()
    int errorCode = 0;      ///< valid when isError(): 1..15
    bool isError() const { return serializerId == 0; }
    qint64 maxLength() const { return maxLengthForExponent(lengthExponent); }
    bool operator==(const Handshake &) const = default;
};

/// 0x7F, (L<<4 | serializer), 0, 0
QByteArray encodeHandshake(int serializerId, int lengthExponent);
/// 0x7F, (code<<4), 0, 0
QByteArray encodeHandshakeError(HandshakeError error);
/// Decodes 4 octets. Errors: "rawsocket.bad_magic" (first octet not 0x7F),
/// "rawsocket.reserved_bits" (octets 2..3 not zero), "rawsocket.truncated" (fewer than 4 octets).
/// A serializer nibble of 0 decodes fine as an error reply (see Handshake::isError()).
Result<Handshake> decodeHandshake(QByteArrayView bytes);
/// Readable text for a handshake error code, e.g. "serializer unsupported".
QString handshakeErrorText(int errorCode);

struct FrameHeader
{
    FrameType type = FrameType::Message;
    qint64 length = 0;
    bool operator==(const FrameHeader &) const = default;
};

/// RRRR XTTT + 24-bit big-endian length; the X bit is set for a length of exactly 2^24. \a length must be
/// in 0..2^24 (Q_ASSERT).
QByteArray encodeFrameHeader(FrameType type, qint64 length);
/// Decodes 4 octets. Errors: "rawsocket.reserved_bits", "rawsocket.bad_frame_type", "rawsocket.bad_length"
/// (X bit with non-zero length bits), "rawsocket.truncated".
Result<FrameHeader> decodeFrameHeader(QByteArrayView bytes);

/// One complete frame.
struct Frame
{
    FrameType type = FrameType::Message;
    QByteArray payload;
    bool operator==(const Frame &) const = default;
};

/// Resumable frame parser with a size limit. Bytes may arrive in any chunking; headers may be split.
/// The declared length is checked against the limit as soon as the header is complete, before any payload
/// memory is reserved. After an error the framer stays in the error state.
class RawSocketFramer
{
public:
    explicit RawSocketFramer(qint64 maxIncomingSize = kDefaultMaxMessageSize);

    enum class Status { NeedMoreData, Error };

    struct FeedResult
    {
        QList<Frame> frames;  ///< complete frames, in order (may be non-empty even with an error after them)
        Status status = Status::NeedMoreData;
        TransportError error = TransportError::NoError; ///< ProtocolError or MessageTooLarge
        QString errorText;
        bool hasError() const { return status == Status::Error; }
    };

    /// Appends \a bytes and returns every frame completed by them.
    FeedResult feed(QByteArrayView bytes);

    void setMaxIncomingSize(qint64 bytes) { m_maxIncoming = bytes; }
    qint64 maxIncomingSize() const { return m_maxIncoming; }
    /// Bytes of the current partial frame (header + payload) held so far.
    qint64 bufferedBytes() const { return m_header.size() + m_payload.size(); }
    bool hasError() const { return m_error != TransportError::NoError; }
    void reset();

private:
    qint64 m_maxIncoming;
    QByteArray m_header;   ///< 0..4 bytes of the current header
    QByteArray m_payload;  ///< payload collected so far
    FrameHeader m_current; ///< valid once m_header is complete
    TransportError m_error = TransportError::NoError;
    QString m_errorText;
};

} // namespace wb::transport::rawsocket
