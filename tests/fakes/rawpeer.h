// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A RawSocket client at the byte level (QTcpSocket, no wb::transport code) for tests that need what a well-behaved
// transport would never do: stop reading its socket (slow consumer), send a frame over the negotiated limit.

#include "codec/serializer.h"
#include "wamp/message.h"

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>
#include <QUrl>

namespace wb::testing {

class RawSocketPeer : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RawSocketPeer)
public:
    explicit RawSocketPeer(QObject *parent = nullptr);

    /// Connect to \a url (rs://host:port) and wait until the TCP connection is up.
    bool connectTo(const QUrl &url, int timeoutMs = 5000);
    /// Send the 4-byte RawSocket handshake (max length 16 MiB, \a serializer) and wait for the router's answer.
    bool handshake(codec::SerializerId serializer = codec::SerializerId::Json, int timeoutMs = 5000);
    /// The RawSocket frame (regular message) around \a payload.
    static QByteArray frame(const QByteArray &payload);
    /// Frame \a message encoded as JSON.
    static QByteArray frame(const wamp::Message &message);

    void write(const QByteArray &bytes) { m_socket.write(bytes); }
    void send(const wamp::Message &message) { write(frame(message)); }
    /// Stop reading: the kernel buffers fill, then the router's outbound queue grows.
    void stopReading();

    QTcpSocket &socket() { return m_socket; }
    const QByteArray &received() const { return m_received; }
    bool isClosed() const { return m_closed; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
    bool m_closed = false;
};

} // namespace wb::testing
