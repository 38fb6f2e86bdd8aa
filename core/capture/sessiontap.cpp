// SPDX-License-Identifier: GPL-3.0-or-later
#include "capture/sessiontap.h"

#include "session/session.h"
#include "transport/websocket/websockettransport.h"

namespace wb::capture {

using wamp::MessageType;

TransportKind transportKindFrom(const QString &kind)
{
    if (kind == u"websocket")
        return TransportKind::WebSocket;
    if (kind == u"websocket-tls")
        return TransportKind::WebSocketTls;
    if (kind == u"rawsocket-tcp")
        return TransportKind::RawSocketTcp;
    if (kind == u"rawsocket-tls")
        return TransportKind::RawSocketTls;
    if (kind == u"rawsocket-unix")
        return TransportKind::RawSocketUnix;
    return TransportKind::Unknown;
}

QString transportScheme(TransportKind kind)
{
    switch (kind) {
    case TransportKind::WebSocket: return QStringLiteral("ws");
    case TransportKind::WebSocketTls: return QStringLiteral("wss");
    case TransportKind::RawSocketTcp: return QStringLiteral("rs");
    case TransportKind::RawSocketTls: return QStringLiteral("rss");
    case TransportKind::RawSocketUnix: return QStringLiteral("unix");
    case TransportKind::Unknown: break;
    }
    return {};
}

SessionTap::SessionTap(Recorder *recorder, session::Session *session, const QString &name, QObject *parent)
    : QObject(parent), m_recorder(recorder), m_session(session), m_name(name), m_source(recorder->newSource())
{
    using session::Session;
    connect(session, &Session::messageSent, this,
            [this](const wamp::Message &m, const QByteArray &b) { onMessage(Direction::Out, m, b); });
    connect(session, &Session::messageReceived, this,
            [this](const wamp::Message &m, const QByteArray &b) { onMessage(Direction::In, m, b); });
    connect(session, &Session::protocolViolation, this, &SessionTap::onViolation);
    connect(session, &Session::left, this, &SessionTap::onLeft);
}

SessionTap::~SessionTap() = default;

void SessionTap::setName(const QString &name)
{
    m_name = name;
    if (m_open && m_recorder) {
        m_info.name = name;
        m_recorder->updateConnection(m_info);
    }
}

void SessionTap::ensureConnection()
{
    transport::Transport *t = m_session ? m_session->transport() : nullptr;
    if (!m_recorder || !t || (m_open && t == m_transport))
        return;
    if (m_open)
        onLeft(QStringLiteral("transport replaced"), QString());
    m_transport = t;
    ConnectionInfo info;
    info.source = m_source;
    info.name = m_name;
    info.perspective = Perspective::Client;
    info.url = t->url();
    info.localAddress = t->localAddress();
    info.peerAddress = t->peerAddress();
    info.transport = transportKindFrom(t->kind());
    info.serializer = t->serializerId();
    info.requestHeaders = t->handshakeRequestHeaders();
    info.responseHeaders = t->handshakeResponseHeaders();
    info.opened = t->openedAt().isValid() ? t->openedAt() : transport::Timestamp::now();
    info.id = m_recorder->addConnection(info);
    m_info = info;
    m_open = true;
    // The session lets go of its transport when it finishes; the close code comes later, from the transport.
    connect(t, &transport::Transport::closed, this, [this, t](const QString &reason) { onTransportClosed(t, reason); });
}

RecordedMessage SessionTap::header(Direction dir) const
{
    RecordedMessage r;
    r.connection = m_info.id;
    r.direction = dir;
    r.serializer = m_info.serializer;
    const codec::Serializer *s = codec::serializer(m_info.serializer);
    r.binary = s && s->isBinary();
    r.sessionId = m_session ? m_session->sessionId() : 0;
    if (m_transport) {
        r.time = dir == Direction::Out ? m_transport->sentAt() : m_transport->receivedAt();
    }
    if (!r.time.isValid())
        r.time = transport::Timestamp::now();
    return r;
}

void SessionTap::onMessage(Direction dir, const wamp::Message &m, const QByteArray &bytes)
{
    ensureConnection();
    if (!m_open || !m_recorder)
        return;
    RecordedMessage r = header(dir);
    if (dir == Direction::In && m.type() == MessageType::Welcome)
        r.sessionId = m.at(1).toUInt64().value_or(0); // the Session takes it over after this signal
    r.bytes = bytes;
    r.message = m;
    m_recorder->record(r);
}

void SessionTap::onViolation(const QString &reason, const QByteArray &bytes)
{
    ensureConnection();
    if (!m_open || !m_recorder)
        return;
    RecordedMessage r = header(Direction::In);
    r.bytes = bytes;
    r.violation = reason;
    m_recorder->record(r);
}

void SessionTap::onLeft(const QString &reason, const QString &message)
{
    if (!m_open || !m_recorder)
        return;
    m_open = false;
    m_info.closed = m_transport && m_transport->closedAt().isValid() ? m_transport->closedAt() : transport::Timestamp::now();
    m_info.closeReason = message.isEmpty() ? reason : reason + QStringLiteral(": ") + message;
    if (auto *ws = qobject_cast<transport::WebSocketTransport *>(m_transport.data()); ws && ws->state() == transport::Transport::State::Closed)
        m_info.closeCode = int(ws->closeCode());
    m_recorder->updateConnection(m_info);
}

void SessionTap::onTransportClosed(transport::Transport *t, const QString &reason)
{
    // Arrives after onLeft() when the session closed the transport (GOODBYE, ABORT), before it on a transport loss
    // (then the session's own closed handler runs first and calls onLeft()).
    if (!m_recorder || t != m_transport)
        return;
    ConnectionInfo info = m_recorder->connection(m_info.id);
    if (info.id != m_info.id)
        return;
    if (t->closedAt().isValid())
        info.closed = t->closedAt();
    if (auto *ws = qobject_cast<transport::WebSocketTransport *>(t))
        info.closeCode = int(ws->closeCode());
    if (!reason.isEmpty() && info.closeReason.isEmpty())
        info.closeReason = reason;
    if (!info.closed.isValid())
        info.closed = transport::Timestamp::now();
    m_recorder->updateConnection(info);
    if (!m_open)
        m_info = info;
}

} // namespace wb::capture
