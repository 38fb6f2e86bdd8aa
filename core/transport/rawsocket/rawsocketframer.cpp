// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/rawsocket/rawsocketframer.h"

#include <algorithm>
#include <utility>

namespace wb::transport::rawsocket {

namespace {

QString hexByte(quint8 b)
{
    return QStringLiteral("0x") + QString::number(uint(b), 16).rightJustified(2, QLatin1Char('0')).toUpper();
}

QString frameKindName(FrameType type)
{
    switch (type) {
    case FrameType::Message:
        return QStringLiteral("message");
    case FrameType::Ping:
        return QStringLiteral("PING frame");
    case FrameType::Pong:
        return QStringLiteral("PONG frame");
    }
    return QStringLiteral("frame");
}

// Collected payloads grow by appending; reserving more than this up front would let a peer make us
// allocate memory for data it never sends.
constexpr qint64 kMaxReserve = 64 * 1024;

} // namespace

int lengthExponentFor(qint64 maxSize)
{
    int l = 0;
    while (l < 15 && (qint64(1) << (9 + l)) < maxSize)
        ++l;
    return l;
}

qint64 maxLengthForExponent(int lengthExponent)
{
    return qint64(1) << (9 + std::clamp(lengthExponent, 0, 15));
}

QByteArray encodeHandshake(int serializerId, int lengthExponent)
{
    Q_ASSERT(serializerId >= 1 && serializerId <= 15);
    Q_ASSERT(lengthExponent >= 0 && lengthExponent <= 15);
    QByteArray out(kHandshakeSize, '\0');
    out[0] = char(kMagic);
    out[1] = char(((lengthExponent & 0x0F) << 4) | (serializerId & 0x0F));
    return out;
}

QByteArray encodeHandshakeError(HandshakeError error)
{
    QByteArray out(kHandshakeSize, '\0');
    out[0] = char(kMagic);
    out[1] = char((quint8(error) & 0x0F) << 4);
    return out;
}

Result<Handshake> decodeHandshake(QByteArrayView bytes)
{
    if (bytes.size() < kHandshakeSize)
        return Result<Handshake>::failure(QStringLiteral("rawsocket.truncated"),
                                          QStringLiteral("RawSocket handshake needs 4 octets, got %1").arg(bytes.size()));
    const auto b0 = quint8(bytes[0]);
    const auto b1 = quint8(bytes[1]);
    if (b0 != kMagic)
        return Result<Handshake>::failure(QStringLiteral("rawsocket.bad_magic"),
                                          QStringLiteral("not a RawSocket handshake (first byte %1, expected 0x7F)").arg(hexByte(b0)));
    if (bytes[2] != 0 || bytes[3] != 0)
        return Result<Handshake>::failure(QStringLiteral("rawsocket.reserved_bits"),
                                          QStringLiteral("reserved octets of the RawSocket handshake are not zero (%1 %2)")
                                              .arg(hexByte(quint8(bytes[2])), hexByte(quint8(bytes[3]))));
    Handshake h;
    h.serializerId = b1 & 0x0F;
    if (h.isError())
        h.errorCode = b1 >> 4;
    else
        h.lengthExponent = b1 >> 4;
    return h;
}

QString handshakeErrorText(int errorCode)
{
    switch (errorCode) {
    case 1:
        return QStringLiteral("serializer unsupported");
    case 2:
        return QStringLiteral("maximum message length unacceptable");
    case 3:
        return QStringLiteral("use of reserved bits (unsupported feature)");
    case 4:
        return QStringLiteral("maximum connection count reached");
    case 0:
        return QStringLiteral("illegal error code 0");
    default:
        return QStringLiteral("reserved error code %1").arg(errorCode);
    }
}

QByteArray encodeFrameHeader(FrameType type, qint64 length)
{
    Q_ASSERT(length >= 0 && length <= kMaxFrameLength);
    QByteArray out(kHeaderSize, '\0');
    quint8 b0 = quint8(type) & 0x07;
    if (length == kMaxFrameLength) {
        b0 |= 0x08; // X bit: length is exactly 2^24, the 24 length bits stay 0
    } else {
        out[1] = char((length >> 16) & 0xFF);
        out[2] = char((length >> 8) & 0xFF);
        out[3] = char(length & 0xFF);
    }
    out[0] = char(b0);
    return out;
}

Result<FrameHeader> decodeFrameHeader(QByteArrayView bytes)
{
    if (bytes.size() < kHeaderSize)
        return Result<FrameHeader>::failure(QStringLiteral("rawsocket.truncated"),
                                            QStringLiteral("RawSocket frame header needs 4 octets, got %1").arg(bytes.size()));
    const auto b0 = quint8(bytes[0]);
    if (b0 & 0xF0)
        return Result<FrameHeader>::failure(QStringLiteral("rawsocket.reserved_bits"),
                                            QStringLiteral("reserved bits set in RawSocket frame header (first octet %1)").arg(hexByte(b0)));
    const int type = b0 & 0x07;
    if (type > int(FrameType::Pong))
        return Result<FrameHeader>::failure(QStringLiteral("rawsocket.bad_frame_type"),
                                            QStringLiteral("reserved RawSocket frame type %1").arg(type));
    const qint64 low = (qint64(quint8(bytes[1])) << 16) | (qint64(quint8(bytes[2])) << 8) | qint64(quint8(bytes[3]));
    FrameHeader h;
    h.type = FrameType(type);
    if (b0 & 0x08) {
        if (low != 0)
            return Result<FrameHeader>::failure(QStringLiteral("rawsocket.bad_length"),
                                                QStringLiteral("RawSocket frame header has the X bit set but a non-zero length (%1)").arg(low));
        h.length = kMaxFrameLength;
    } else {
        h.length = low;
    }
    return h;
}

RawSocketFramer::RawSocketFramer(qint64 maxIncomingSize) : m_maxIncoming(maxIncomingSize) {}

void RawSocketFramer::reset()
{
    m_header.clear();
    m_payload.clear();
    m_current = {};
    m_error = TransportError::NoError;
    m_errorText.clear();
}

RawSocketFramer::FeedResult RawSocketFramer::feed(QByteArrayView bytes)
{
    FeedResult result;
    auto fail = [&](TransportError e, const QString &text) {
        m_error = e;
        m_errorText = text;
        m_header.clear();
        m_payload.clear();
    };

    while (m_error == TransportError::NoError) {
        if (m_header.size() < kHeaderSize) {
            const qsizetype take = std::min<qsizetype>(kHeaderSize - m_header.size(), bytes.size());
            m_header.append(bytes.first(take));
            bytes = bytes.sliced(take);
            if (m_header.size() < kHeaderSize)
                break; // need more data
            auto header = decodeFrameHeader(m_header);
            if (!header) {
                fail(TransportError::ProtocolError, header.error().message);
                break;
            }
            m_current = *header;
            if (m_current.length > m_maxIncoming) {
                fail(TransportError::MessageTooLarge,
                     QStringLiteral("incoming %1 of %2 bytes exceeds the limit of %3 bytes")
                         .arg(frameKindName(m_current.type))
                         .arg(m_current.length)
                         .arg(m_maxIncoming));
                break;
            }
            m_payload.clear();
            m_payload.reserve(qsizetype(std::min({m_current.length, kMaxReserve, qint64(bytes.size())})));
        }
        const qint64 missing = m_current.length - m_payload.size();
        const qsizetype take = qsizetype(std::min<qint64>(missing, bytes.size()));
        m_payload.append(bytes.first(take));
        bytes = bytes.sliced(take);
        if (m_payload.size() < m_current.length)
            break; // need more data
        result.frames.append(Frame{m_current.type, std::exchange(m_payload, QByteArray())});
        m_header.clear();
        m_current = {};
        if (bytes.isEmpty())
            break;
    }

    if (m_error != TransportError::NoError) {
        result.status = Status::Error;
        result.error = m_error;
        result.errorText = m_errorText;
    }
    return result;
}

} // namespace wb::transport::rawsocket
