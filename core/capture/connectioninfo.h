// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Per-connection metadata of a recording: where it went, how (transport, serializer, WebSocket handshake), when it
// opened and closed and why. One ConnectionInfo per transport connection: a workbench connection that reconnects
// gets a new one with the same source.

#include "capture/capturerecord.h"
#include "transport/transport.h"

#include <QMetaType>
#include <QString>
#include <QUrl>

namespace wb::capture {

enum class TransportKind : quint8 { Unknown, WebSocket, WebSocketTls, RawSocketTcp, RawSocketTls, RawSocketUnix };

/// From transport::Transport::kind() ("websocket", "websocket-tls", "rawsocket-tcp", ...).
TransportKind transportKindFrom(const QString &transportKind);
/// "ws", "wss", "rs", "rss", "unix" (empty for Unknown).
QString transportScheme(TransportKind kind);

struct ConnectionInfo
{
    ConnectionId id = 0;            ///< assigned by Recorder::addConnection()
    quint32 source = 0;             ///< the source (e.g. one workbench connection) this connection belongs to
    QString name;                   ///< shown in the traffic log
    Perspective perspective = Perspective::Client;
    QUrl url;
    QString localAddress;           ///< "127.0.0.1:40312"; empty when unknown (Unix socket client)
    QString peerAddress;            ///< "127.0.0.1:8080" or "unix:/path"
    TransportKind transport = TransportKind::Unknown;
    codec::SerializerId serializer = codec::SerializerId::Invalid;
    /// The WebSocket upgrade headers as far as Qt exposes them: see WebSocketTransport::handshakeRequestHeaders().
    /// The response headers are always empty with Qt 6.4 (hidden); serializer tells the negotiated subprotocol.
    transport::HeaderList requestHeaders;
    transport::HeaderList responseHeaders;
    /// RawSocket: the client's 4 handshake bytes followed by the router's 4 (8 bytes); empty for WebSocket.
    QByteArray rawSocketHandshake;
    /// The WAMP session on this connection, once known (WELCOME); updated with updateConnection(). A connection
    /// carries one session at a time; a new HELLO after GOODBYE replaces them.
    quint64 sessionId = 0;
    QString realm;
    QString authid;
    QString authrole;
    QString authmethod;
    transport::Timestamp opened;
    transport::Timestamp closed;    ///< invalid while open
    int closeCode = -1;             ///< WebSocket close code; -1: none / RawSocket
    QString closeReason;

    bool isOpen() const { return opened.isValid() && !closed.isValid(); }
};

} // namespace wb::capture

Q_DECLARE_METATYPE(wb::capture::ConnectionInfo)
