// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "codec/serializer.h"
#include "transport/timestamp.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace wb::transport {

inline constexpr qint64 kDefaultMaxMessageSize = 16 * 1024 * 1024; // 16 MiB

/// HTTP header lines of a WebSocket handshake, in order, as (name, value).
using HeaderList = QList<QPair<QByteArray, QByteArray>>;

enum class TransportError {
    NoError,
    ConnectionRefused,
    HostNotFound,
    Timeout,
    HandshakeFailed,   ///< WebSocket upgrade or RawSocket handshake failed (reason in text)
    SerializerUnsupported,
    MessageTooLarge,   ///< incoming message larger than our limit
    ProtocolError,     ///< bad framing (reserved bits, bad frame type, wrong WS frame kind)
    RemoteClosed,
    NetworkError,
    TlsError,          ///< TLS handshake failed or the peer's certificate was rejected (which one and why in text)
};

/// Carries whole WAMP messages (already serialized bytes) over one connection.
/// Client-side transports are created in Connecting state by connectTo() and emit opened() or failed.
/// Server-side transports are handed out by a Listener already Open (handshake done).
class Transport : public QObject
{
    Q_OBJECT
public:
    enum class State { Connecting, Open, Closing, Closed };
    Q_ENUM(State)

    using QObject::QObject;
    ~Transport() override = default;

    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    /// Negotiated serializer (valid once Open).
    codec::SerializerId serializerId() const { return m_serializer; }
    const codec::Serializer *serializer() const { return codec::serializer(m_serializer); }
    /// Human-readable peer, e.g. "127.0.0.1:51234" or "unix:/tmp/x.sock"
    virtual QString peerAddress() const = 0;
    /// "websocket", "websocket-tls", "rawsocket-tcp", "rawsocket-tls", "rawsocket-unix"
    virtual QString kind() const = 0;
    /// Our end of the connection, e.g. "127.0.0.1:40312" (empty when unknown, e.g. the client of a Unix socket).
    virtual QString localAddress() const { return {}; }
    /// The URL: the one connected to (client), or the listener's URL with the request path (server side).
    virtual QUrl url() const { return {}; }
    /// The WebSocket upgrade request and response headers as far as Qt exposes them (see WebSocketTransport);
    /// empty for RawSocket.
    virtual HeaderList handshakeRequestHeaders() const { return {}; }
    virtual HeaderList handshakeResponseHeaders() const { return {}; }

    /// When the message being delivered right now by messageReceived() was read from the socket. The signal is
    /// emitted synchronously from the read, so a handler (e.g. a capture tap behind Session::messageReceived)
    /// that reads this gets the read time of exactly that message, not the time it got round to it.
    Timestamp receivedAt() const { return m_receivedAt; }
    /// When the last successful send() handed its message to the socket.
    Timestamp sentAt() const { return m_sentAt; }
    /// When the transport became Open (handshake done) and Closed; invalid until then.
    Timestamp openedAt() const { return m_openedAt; }
    Timestamp closedAt() const { return m_closedAt; }

    /// Our receive limit: larger incoming messages close the connection (MessageTooLarge).
    qint64 maxIncomingMessageSize() const { return m_maxIncoming; }
    void setMaxIncomingMessageSize(qint64 bytes) { m_maxIncoming = bytes; }
    /// What the peer accepts (RawSocket negotiation); send() of larger messages fails with false.
    qint64 maxOutgoingMessageSize() const { return m_maxOutgoing; }

    /// Queue one message. Returns false (and sends nothing) when not open or the message exceeds the peer's limit.
    virtual bool send(const QByteArray &message) = 0;
    /// Close gracefully with an optional reason (WebSocket close reason; logged for RawSocket).
    virtual void close(const QString &reason = QString()) = 0;
    /// Close immediately.
    virtual void abort() = 0;
    /// Bytes queued but not yet written to the socket (for outbound caps).
    virtual qint64 bytesToWrite() const = 0;

    TransportError error() const { return m_error; }
    QString errorString() const { return m_errorString; }

signals:
    void opened();
    void messageReceived(const QByteArray &message);
    void errorOccurred(wb::transport::TransportError error, const QString &text);
    /// Emitted exactly once when the connection is gone (after errorOccurred if any).
    void closed(const QString &reason);

protected:
    void setState(State s)
    {
        m_state = s;
        if (s == State::Open && !m_openedAt.isValid())
            m_openedAt = Timestamp::now();
        else if (s == State::Closed && !m_closedAt.isValid())
            m_closedAt = Timestamp::now();
    }
    void setSerializerId(codec::SerializerId id) { m_serializer = id; }
    void setMaxOutgoingMessageSize(qint64 bytes) { m_maxOutgoing = bytes; }
    void setError(TransportError e, const QString &text) { m_error = e; m_errorString = text; }
    /// Transports call these next to the socket read / write.
    void stampReceived(const Timestamp &t) { m_receivedAt = t; }
    void stampSent() { m_sentAt = Timestamp::now(); }

private:
    State m_state = State::Connecting;
    codec::SerializerId m_serializer = codec::SerializerId::Invalid;
    qint64 m_maxIncoming = kDefaultMaxMessageSize;
    qint64 m_maxOutgoing = kDefaultMaxMessageSize;
    TransportError m_error = TransportError::NoError;
    QString m_errorString;
    Timestamp m_receivedAt;
    Timestamp m_sentAt;
    Timestamp m_openedAt;
    Timestamp m_closedAt;
};

/// Client-side TLS trust for wss:// and rss:// (tcps://). By default the peer's certificate must chain to a
/// system CA and match the URL's host (or IP address).
struct TlsClientOptions
{
    /// PEM file with one or more CA certificates to trust in addition to the system CAs (e.g. the CA of a
    /// test router, or its self-signed certificate itself).
    QString caFile;
    /// Accept any certificate: self-signed, unknown CA, wrong host name, expired. Only on explicit request.
    bool acceptAnyCertificate = false;
    /// Optional SHA-256 fingerprint of the expected peer certificate (32 bytes, raw). When set, the connection
    /// succeeds only with exactly this certificate, and then even when it is self-signed or not trusted.
    QByteArray pinnedSha256;
};

struct ConnectOptions
{
    QUrl url;                 ///< ws://, wss://host:port/path, rs://, rss://host:port (aliases tcp://, tcps://), unix:///path
    codec::SerializerId serializer = codec::SerializerId::Json;
    qint64 maxMessageSize = kDefaultMaxMessageSize;
    int connectTimeoutMs = 10000;
    TlsClientOptions tls;     ///< used by wss:// and rss://
};

/// Server-side TLS material of a wss:// or rss:// listener (PEM files).
struct TlsServerFiles
{
    QString certificateFile;          ///< the server certificate; further certificates in it form the chain
    QString privateKeyFile;           ///< its private key (RSA or EC; PKCS#1, SEC1 or PKCS#8 PEM)
    QStringList chainFiles;           ///< optional intermediate CA certificates sent along
    QByteArray keyPassphrase;         ///< for an encrypted private key
};

/// Reads the certificate, key and chain and checks that the key belongs to the certificate. Errors name the
/// file and the problem ("cannot read certificate /x.pem: No such file or directory").
bool loadServerTls(const TlsServerFiles &files, QSslConfiguration *config, QString *error);

/// Builds the client QSslConfiguration for \a tls (system CAs plus tls.caFile). False with \a error when the CA
/// file cannot be read or holds no certificate.
bool makeClientTlsConfiguration(const TlsClientOptions &tls, QSslConfiguration *config, QString *error);

/// True for wss://, rss:// and tcps://.
bool isSecureUrl(const QUrl &url);

/// "AB:CD:..." (SHA-256 of the DER certificate) for messages and pinning.
QString certificateFingerprint(const QSslCertificate &certificate);

/// Create a client transport for the URL scheme and start connecting. Returns nullptr with \a error set
/// for an unsupported scheme or malformed URL. The caller owns the object (parent it).
Transport *connectTo(const ConnectOptions &options, QObject *parent, QString *error = nullptr);

/// Accepts connections on one URL and hands out open transports.
class Listener : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    /// Start listening. For port 0 the chosen port is reflected in url().
    virtual bool listen() = 0;
    virtual void close() = 0;
    virtual QUrl url() const = 0;
    virtual QString errorString() const = 0;
    void setMaxMessageSize(qint64 bytes) { m_maxMessageSize = bytes; }
    qint64 maxMessageSize() const { return m_maxMessageSize; }
    /// Certificate and key of a wss:// or rss:// listener; set before listen() (which fails without it).
    void setSslConfiguration(const QSslConfiguration &config) { m_ssl = config; m_hasSsl = true; }
    bool hasSslConfiguration() const { return m_hasSsl; }
    QSslConfiguration sslConfiguration() const { return m_ssl; }

signals:
    /// A connection finished its handshake. Ownership passes to the receiver (reparent it).
    void newTransport(wb::transport::Transport *transport);
    /// Handshake failures and rejected connections, for the log.
    void connectionRejected(const QString &peer, const QString &reason);

private:
    qint64 m_maxMessageSize = kDefaultMaxMessageSize;
    QSslConfiguration m_ssl;
    bool m_hasSsl = false;
};

/// Create a listener for ws://, wss://host:port/path, rs://, rss://host:port (aliases tcp://, tcps://) or
/// unix:///path. nullptr + error if unsupported. Secure listeners need setSslConfiguration() before listen().
Listener *createListener(const QUrl &url, QObject *parent, QString *error = nullptr);

} // namespace wb::transport
