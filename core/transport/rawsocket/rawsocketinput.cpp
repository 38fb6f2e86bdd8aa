// SPDX-License-Identifier: GPL-3.0-or-later
// RawSocketTransport, the read side: the handshake and the frames, delivered within a per-turn budget.
#include "transport/rawsocket/rawsockettransport.h"

#include "transport/transportprivate.h"

#include <QIODevice>
#include <QTimer>

#include <utility>

namespace wb::transport {

using namespace rawsocket;

namespace {

QString hexByte(quint8 b)
{
    return QStringLiteral("0x") + QString::number(uint(b), 16).rightJustified(2, QLatin1Char('0')).toUpper();
}

bool isSupportedSerializerId(int id)
{
    return id >= int(codec::SerializerId::Json) && id <= int(codec::SerializerId::Cbor)
        && codec::serializer(codec::SerializerId(id)) != nullptr;
}

} // namespace

void RawSocketTransport::onReadyRead()
{
    // A continuation is already on its way: it reads these bytes in this peer's next slice, in order.
    if (m_continuationPosted)
        return;
    processInput();
}

void RawSocketTransport::postContinuation()
{
    if (m_continuationPosted)
        return;
    m_continuationPosted = true;
    QMetaObject::invokeMethod(this, [this] {
        m_continuationPosted = false;
        processInput();
    }, Qt::QueuedConnection);
}

void RawSocketTransport::processInput()
{
    if (m_finished || !m_io)
        return;
    // After a failure or a local close we stop consuming input.
    if (state() != State::Connecting && state() != State::Open)
        return;
    int frames = 0;
    qint64 bytes = 0;
    for (;;) {
        const bool budgetSpent = frames >= kMaxFramesPerTurn || bytes >= kMaxBytesPerTurn;
        if (m_inboxNext < m_inbox.size()) {
            if (budgetSpent) {
                postContinuation();
                return;
            }
            bytes += m_inbox.at(m_inboxNext).payload.size();
            ++frames;
            if (!deliverNext())
                return;
            continue;
        }
        if (m_inputError != TransportError::NoError) {
            if (isOpen())
                fail(std::exchange(m_inputError, TransportError::NoError), m_inputErrorText);
            return;
        }
        if (budgetSpent) {
            if (m_io->bytesAvailable() > 0)
                postContinuation();
            return;
        }
        if (!readChunk())
            return;
    }
}

void RawSocketTransport::drainInput()
{
    for (;;) {
        while (m_inboxNext < m_inbox.size()) {
            if (!deliverNext())
                return;
        }
        if (m_inputError != TransportError::NoError) {
            if (isOpen())
                fail(std::exchange(m_inputError, TransportError::NoError), m_inputErrorText);
            return;
        }
        if (!isOpen() || !readChunk())
            return;
    }
}

bool RawSocketTransport::readChunk()
{
    // The read size only sets how much is decoded at once; what one turn delivers is bounded by the budget.
    constexpr qint64 kMaxReadChunk = 128 * 1024;
    QByteArray data = m_io->read(kMaxReadChunk);
    if (data.isEmpty())
        return false;
    m_inboxReadAt = Timestamp::now(); // every frame completed by this read was read now
    stampReceived(m_inboxReadAt);
    if (!m_handshakeDone) {
        if (!processHandshake(data))
            return false;
        if (!m_handshakeDone || data.isEmpty())
            return true;
    }
    auto result = m_framer.feed(data);
    m_inbox = std::move(result.frames);
    m_inboxNext = 0;
    if (result.hasError()) {
        m_inputError = result.error;
        m_inputErrorText = result.errorText;
    }
    return true;
}

bool RawSocketTransport::deliverNext()
{
    Frame frame = std::move(m_inbox[m_inboxNext++]);
    if (m_inboxNext == m_inbox.size()) {
        m_inbox.clear();
        m_inboxNext = 0;
    }
    stampReceived(m_inboxReadAt);
    QPointer<RawSocketTransport> self(this);
    switch (frame.type) {
    case FrameType::Message:
        emit messageReceived(frame.payload);
        break;
    case FrameType::Ping:
        writeBytes(encodeFrameHeader(FrameType::Pong, frame.payload.size()));
        writeBytes(frame.payload);
        break;
    case FrameType::Pong:
        emit pongReceived(frame.payload);
        break;
    }
    return self && isOpen();
}

bool RawSocketTransport::processHandshake(QByteArray &data)
{
    // The server rejects a non-RawSocket client on its first octet (e.g. an HTTP request), without waiting
    // for more.
    if (m_serverSide && m_handshakeBuffer.isEmpty() && quint8(data.at(0)) != kMagic) {
        fail(TransportError::HandshakeFailed,
             QStringLiteral("not a RawSocket handshake (first byte %1)").arg(hexByte(quint8(data.at(0)))));
        return false;
    }
    const qsizetype take = std::min<qsizetype>(kHandshakeSize - m_handshakeBuffer.size(), data.size());
    m_handshakeBuffer.append(data.left(take));
    data.remove(0, take);
    if (m_handshakeBuffer.size() < kHandshakeSize)
        return true;

    auto decoded = decodeHandshake(m_handshakeBuffer);
    if (!decoded) {
        if (m_serverSide) {
            if (decoded.error().code == QLatin1String("rawsocket.reserved_bits"))
                writeBytes(encodeHandshakeError(HandshakeError::ReservedBitsUsed));
            fail(TransportError::HandshakeFailed, decoded.error().message);
        } else if (decoded.error().code == QLatin1String("rawsocket.bad_magic")) {
            fail(TransportError::HandshakeFailed,
                 QStringLiteral("router reply is not a RawSocket handshake (first byte %1)").arg(hexByte(quint8(m_handshakeBuffer.at(0)))));
        } else {
            fail(TransportError::HandshakeFailed, QStringLiteral("invalid RawSocket handshake reply: ") + decoded.error().message);
        }
        return false;
    }
    return m_serverSide ? processServerHandshake(*decoded) : processClientHandshake(*decoded);
}

bool RawSocketTransport::processServerHandshake(const Handshake &h)
{
    if (!isSupportedSerializerId(h.serializerId)) {
        writeBytes(encodeHandshakeError(HandshakeError::SerializerUnsupported));
        fail(TransportError::SerializerUnsupported,
             QStringLiteral("client requested unsupported serializer id %1 (supported: 1 json, 2 msgpack, 3 cbor)").arg(h.serializerId));
        return false;
    }
    const int ourL = lengthExponentFor(maxIncomingMessageSize());
    setMaxIncomingMessageSize(maxLengthForExponent(ourL));
    m_framer.setMaxIncomingSize(maxIncomingMessageSize());
    setMaxOutgoingMessageSize(h.maxLength());
    setSerializerId(codec::SerializerId(h.serializerId));
    writeBytes(encodeHandshake(h.serializerId, ourL));
    m_handshakeDone = true;
    m_timer->stop();
    setState(State::Open);
    qCDebug(lcTransport) << "rawsocket accepted" << m_peer << "serializer" << h.serializerId << "peer limit" << h.maxLength();
    QPointer<RawSocketTransport> self(this);
    emit opened();
    return self && isOpen();
}

bool RawSocketTransport::processClientHandshake(const Handshake &h)
{
    if (h.isError()) {
        fail(h.errorCode == int(HandshakeError::SerializerUnsupported) ? TransportError::SerializerUnsupported
                                                                        : TransportError::HandshakeFailed,
             QStringLiteral("router rejected the RawSocket handshake: %1 (error %2)").arg(handshakeErrorText(h.errorCode)).arg(h.errorCode));
        return false;
    }
    if (h.serializerId != int(m_wantedSerializer)) {
        fail(TransportError::HandshakeFailed,
             QStringLiteral("router answered with serializer id %1, we asked for %2").arg(h.serializerId).arg(int(m_wantedSerializer)));
        return false;
    }
    const int ourL = lengthExponentFor(maxIncomingMessageSize());
    setMaxIncomingMessageSize(maxLengthForExponent(ourL));
    m_framer.setMaxIncomingSize(maxIncomingMessageSize());
    setMaxOutgoingMessageSize(h.maxLength());
    setSerializerId(m_wantedSerializer);
    m_handshakeDone = true;
    m_timer->stop();
    setState(State::Open);
    qCDebug(lcTransport) << "rawsocket connected to" << m_peer << "router limit" << h.maxLength();
    QPointer<RawSocketTransport> self(this);
    emit opened();
    return self && isOpen();
}

} // namespace wb::transport
