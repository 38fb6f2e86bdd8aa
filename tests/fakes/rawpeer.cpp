// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakes/rawpeer.h"

#include <QTest>

namespace wb::testing {

RawSocketPeer::RawSocketPeer(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] { m_received += m_socket.readAll(); });
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_closed = true; });
}

bool RawSocketPeer::connectTo(const QUrl &url, int timeoutMs)
{
    m_socket.connectToHost(url.host(), quint16(url.port()));
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs);
}

bool RawSocketPeer::handshake(codec::SerializerId serializer, int timeoutMs)
{
    const qsizetype before = m_received.size();
    QByteArray hs = QByteArray::fromHex("7ff10000");
    hs[1] = char(0xf0 | (int(serializer) & 0x0f));
    m_socket.write(hs);
    return QTest::qWaitFor([&] { return m_received.size() >= before + 4; }, timeoutMs);
}

QByteArray RawSocketPeer::frame(const QByteArray &payload)
{
    const quint32 n = quint32(payload.size());
    QByteArray h(4, '\0');
    h[1] = char((n >> 16) & 0xff);
    h[2] = char((n >> 8) & 0xff);
    h[3] = char(n & 0xff);
    return h + payload;
}

QByteArray RawSocketPeer::frame(const wamp::Message &message)
{
    return frame(codec::serializer(codec::SerializerId::Json)->encode(message.toValue()));
}

void RawSocketPeer::stopReading()
{
    disconnect(&m_socket, &QTcpSocket::readyRead, this, nullptr);
    m_socket.setReadBufferSize(1);
}

} // namespace wb::testing
