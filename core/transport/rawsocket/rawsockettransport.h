// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "transport/rawsocket/rawsocketframer.h"
#include "transport/transport.h"

#include <QPointer>
#include <QSslError>
#include <QUrl>

class QIODevice;
class QLocalSocket;
class QSslSocket;
class QTcpSocket;
class QTimer;

namespace wb::transport {

/// WAMP RawSocket over TCP (rs://host:port, tcp://host:port), over TLS (rss://host:port, tcps://host:port) or a
/// Unix domain socket (unix:///path).
///
/// TLS: the client connects with QSslSocket, checks the certificate as ConnectOptions::tls says (a rejected one
/// gives errorOccurred(TlsError, "TLS certificate of host:port rejected: <why> [certificate ...]")) and sends the
/// RawSocket handshake once encrypted. On the server the listener hands over a QSslSocket in server mode; the
/// handshake timeout covers the TLS handshake too.
///
/// Client side: construct with ConnectOptions; it connects, sends the handshake and emits opened() once the
/// router's reply echoes our serializer (the router's length becomes maxOutgoingMessageSize()), or
/// errorOccurred() + closed() on failure. connectTimeoutMs covers connect and handshake.
///
/// Server side: RawSocketListener constructs it around an accepted socket. It answers the client's handshake
/// (error reply 1 for an unsupported serializer, 3 for non-zero reserved octets, nothing at all when the first
/// octet is not 0x7F) and emits opened() when done; the listener then hands it out through newTransport().
///
/// The incoming limit we announce is 2^(9+L) for the smallest L covering maxIncomingMessageSize() (at most
/// 2^24); once the handshake is done maxIncomingMessageSize() reports that announced value, which is what
/// is enforced. A larger incoming frame gives errorOccurred(MessageTooLarge) and closes the connection.
/// Every PING is answered with a PONG echoing its payload; PONGs are reported by pongReceived() only.
///
/// Input is delivered in bounded slices: one event-loop turn delivers at most kMaxFramesPerTurn frames or
/// kMaxBytesPerTurn payload bytes (at least one frame), the rest follows on the next turns, in order. So one peer
/// that floods (or a backlog after we were busy) cannot hold this thread for long: the other connections on it
/// (e.g. a CALL on the router thread) and its timers get their turn in between. Only the scheduling changes:
/// every frame is still delivered, in order, with receivedAt() the time it was read; when the peer closes, what
/// is still held back is delivered before closed().
class RawSocketTransport : public Transport
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawSocketTransport)
public:
    enum class SocketKind { Tcp, Local };

    /// Client: starts connecting from the event loop (so every signal comes after this returns).
    RawSocketTransport(const ConnectOptions &options, SocketKind kind, QObject *parent = nullptr);
    /// Server side, TCP: takes ownership of the connected \a socket and waits for the client's handshake.
    RawSocketTransport(QTcpSocket *socket, qint64 maxIncoming, QObject *parent = nullptr);
    /// Server side, Unix socket: \a serverPath names the listening socket (peers of a Unix socket have no name).
    RawSocketTransport(QLocalSocket *socket, const QString &serverPath, qint64 maxIncoming, QObject *parent = nullptr);
    ~RawSocketTransport() override;

    QString peerAddress() const override;
    QString kind() const override;
    QString localAddress() const override { return m_localAddress; }
    /// Client: the URL connected to; server side: empty (the listener knows its URL).
    QUrl url() const override { return m_url; }
    bool send(const QByteArray &message) override;
    void close(const QString &reason = QString()) override;
    void abort() override;
    qint64 bytesToWrite() const override;

    /// Sends a PING frame. Don't use it towards Crossbar or Twisted Autobahn: they cannot parse PING frames.
    bool ping(const QByteArray &payload);
    /// Server side: how long to wait for the client's handshake (default 10 s). Call before the event loop runs.
    void setHandshakeTimeoutMs(int ms);
    bool isServerSide() const { return m_serverSide; }

    /// The per-turn budget of the input (see the class comment).
    static constexpr int kMaxFramesPerTurn = 16;
    static constexpr qint64 kMaxBytesPerTurn = 16 * 1024;

signals:
    void pongReceived(const QByteArray &payload);

private:
    void init();
    void startConnecting();
    void startServerHandshake();
    void onConnected();
    void onReadyRead();
    /// Delivers input within one turn's budget; posts a continuation when more is held back or still unread.
    void processInput();
    /// Delivers all input, held back and unread, without a budget (the peer has closed).
    void drainInput();
    /// Reads one chunk from the socket into m_inbox (handshake bytes are consumed); false when nothing was read
    /// or the transport failed.
    bool readChunk();
    /// Delivers m_inbox[m_inboxNext] and advances; false when the transport is gone or no longer open.
    bool deliverNext();
    void postContinuation();
    void onSocketStateUnconnected();
    void onTcpError(int socketError);
    void onLocalError(int socketError);
    void onSslErrors(const QList<QSslError> &errors);
    /// Consumes handshake bytes from \a data; returns false when the transport failed.
    bool processHandshake(QByteArray &data);
    bool processServerHandshake(const rawsocket::Handshake &h);
    bool processClientHandshake(const rawsocket::Handshake &h);
    void writeBytes(const QByteArray &bytes);
    void reportError(TransportError error, const QString &text);
    /// Reports an error and closes gracefully (pending writes such as an error reply are flushed first).
    void fail(TransportError error, const QString &text);
    void disconnectSocket();
    void abortSocket();
    bool socketUnconnected() const;
    void scheduleFinish();
    void finish();

    SocketKind m_kind;
    bool m_serverSide;
    QTcpSocket *m_tcp = nullptr;
    QSslSocket *m_ssl = nullptr;    ///< m_tcp when TLS
    TlsClientOptions m_tls;         ///< client
    QString m_tlsError;             ///< why the certificate was rejected (client)
    QString m_setupError;           ///< client TLS configuration could not be built
    QLocalSocket *m_local = nullptr;
    QIODevice *m_io = nullptr;
    QTimer *m_timer = nullptr;      ///< connect/handshake timeout, then close timeout
    QUrl m_url;                     ///< client
    QString m_localPath;            ///< unix socket path
    QString m_peer;                 ///< cached, sockets forget their peer once closed
    QString m_localAddress;         ///< our end (TCP), cached like m_peer
    codec::SerializerId m_wantedSerializer = codec::SerializerId::Invalid; ///< client
    int m_connectTimeoutMs = 10000;
    QByteArray m_handshakeBuffer;
    bool m_handshakeDone = false;
    bool m_errorReported = false;
    bool m_finished = false;
    QString m_closeReason;
    rawsocket::RawSocketFramer m_framer;
    // Input read and decoded but not delivered yet (the per-turn budget): m_inbox[m_inboxNext...], all from the
    // read at m_inboxReadAt. A framing error after those frames is applied once they are delivered.
    QList<rawsocket::Frame> m_inbox;
    qsizetype m_inboxNext = 0;
    Timestamp m_inboxReadAt;
    TransportError m_inputError = TransportError::NoError;
    QString m_inputErrorText;
    bool m_continuationPosted = false;
};

} // namespace wb::transport
