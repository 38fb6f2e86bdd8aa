// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "codec/serializer.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

namespace wb::transport {

inline constexpr qint64 kDefaultMaxMessageSize = 16 * 1024 * 1024; // 16 MiB

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
    /// "websocket", "rawsocket-tcp", "rawsocket-unix"
    virtual QString kind() const = 0;

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
    void setState(State s) { m_state = s; }
    void setSerializerId(codec::SerializerId id) { m_serializer = id; }
    void setMaxOutgoingMessageSize(qint64 bytes) { m_maxOutgoing = bytes; }
    void setError(TransportError e, const QString &text) { m_error = e; m_errorString = text; }

private:
    State m_state = State::Connecting;
    codec::SerializerId m_serializer = codec::SerializerId::Invalid;
    qint64 m_maxIncoming = kDefaultMaxMessageSize;
    qint64 m_maxOutgoing = kDefaultMaxMessageSize;
    TransportError m_error = TransportError::NoError;
    QString m_errorString;
};

struct ConnectOptions
{
    QUrl url;                 ///< ws://host:port/path, rs://host:port, unix:///path
    codec::SerializerId serializer = codec::SerializerId::Json;
    qint64 maxMessageSize = kDefaultMaxMessageSize;
    int connectTimeoutMs = 10000;
};

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

signals:
    /// A connection finished its handshake. Ownership passes to the receiver (reparent it).
    void newTransport(wb::transport::Transport *transport);
    /// Handshake failures and rejected connections, for the log.
    void connectionRejected(const QString &peer, const QString &reason);

private:
    qint64 m_maxMessageSize = kDefaultMaxMessageSize;
};

/// Create a listener for ws://host:port/path, rs://host:port or unix:///path. nullptr + error if unsupported.
Listener *createListener(const QUrl &url, QObject *parent, QString *error = nullptr);

} // namespace wb::transport
