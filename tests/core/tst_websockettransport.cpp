// SPDX-License-Identifier: GPL-3.0-or-later
// WebSocket transport specifics: subprotocol negotiation, frame kinds, fragmented oversized messages, a burst of
// 200 connections.

#include "transporttestsupport.h"

#include "transport/rawsocket/rawsocketframer.h"
#include "transport/rawsocket/rawsocketlistener.h"

#include <QLocalServer>
#include <QTcpServer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>

using namespace wb;
using namespace wb::transport;
using namespace wb::testing::transporttests;

class TstWebSocketTransport : public TransportTestBase
{
    Q_OBJECT

private slots:
    void initTestCase() { checkSetup(); }
    void cleanup() { dropTransports(); }

    // ---- WebSocket specifics ---------------------------------------------------------------------

    void wsUnsupportedSubprotocolRejected_data()
    {
        QTest::addColumn<QStringList>("offered");
        QTest::newRow("unknown") << QStringList{QStringLiteral("wamp.2.foo")};
        QTest::newRow("none") << QStringList{};
    }
    void wsUnsupportedSubprotocolRejected()
    {
        QFETCH(QStringList, offered);
        auto listener = startListener(QStringLiteral("ws"));
        QVERIFY(listener);
        QWebSocket socket;
        QWebSocketHandshakeOptions options;
        options.setSubprotocols(offered);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(listener->url(), options);
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kLongTimeoutMs);
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeProtocolError);
        QVERIFY2(socket.closeReason().startsWith(QStringLiteral("no supported WAMP subprotocol offered (supported: ")),
                 qPrintable(socket.closeReason()));
        QVERIFY(socket.closeReason().contains(QStringLiteral("wamp.2.json")));
        QTRY_COMPARE(m_watch.rejected.size(), 1);
        QCOMPARE(m_watch.rejected.first(), socket.closeReason());
        QVERIFY(m_watch.accepted.isEmpty());
    }

    void wsClientDetectsRefusedSubprotocol()
    {
        QWebSocketServer server(QStringLiteral("other"), QWebSocketServer::NonSecureMode);
        server.setSupportedSubprotocols({QStringLiteral("mqtt")});
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QList<QWebSocket *> serverSockets;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            while (server.hasPendingConnections())
                serverSockets.append(server.nextPendingConnection());
        });
        ConnectOptions options;
        options.url = QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.serverPort()));
        options.serializer = codec::SerializerId::Cbor;
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        Probe p(client);
        QTRY_COMPARE_WITH_TIMEOUT(p.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(p.errors, QList<TransportError>{TransportError::HandshakeFailed});
        QCOMPARE(p.errorTexts.first(), QStringLiteral("router did not accept subprotocol wamp.2.cbor"));
        QCOMPARE(p.openedCount, 0);
        qDeleteAll(serverSockets);
    }

    void wsWrongFrameKindIsProtocolError_data()
    {
        QTest::addColumn<QString>("subprotocol");
        QTest::addColumn<bool>("sendBinary");
        QTest::newRow("json-gets-binary") << QStringLiteral("wamp.2.json") << true;
        QTest::newRow("msgpack-gets-text") << QStringLiteral("wamp.2.msgpack") << false;
        QTest::newRow("cbor-gets-text") << QStringLiteral("wamp.2.cbor") << false;
    }
    void wsWrongFrameKindIsProtocolError()
    {
        QFETCH(QString, subprotocol);
        QFETCH(bool, sendBinary);
        auto listener = startListener(QStringLiteral("ws"));
        QVERIFY(listener);
        QWebSocket socket;
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({subprotocol});
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(listener->url(), options);
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, kLongTimeoutMs);
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        Probe sp(m_watch.accepted.first());
        if (sendBinary)
            socket.sendBinaryMessage(QByteArray("[1]"));
        else
            socket.sendTextMessage(QStringLiteral("[1]"));
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kLongTimeoutMs);
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::ProtocolError});
        QVERIFY(sp.messages.isEmpty());
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeDatatypeNotSupported);
        QCOMPARE(socket.closeReason(), sp.errorTexts.first());
    }

    void wsFragmentedOversizedMessage()
    {
        // Every frame is under the limit, the message is not: QWebSocket's message limit applies.
        const qint64 limit = 256 * 1024;
        auto listener = startListener(QStringLiteral("ws"), limit);
        QVERIFY(listener);
        QWebSocket socket;
        socket.setOutgoingFrameSize(64 * 1024);
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({QStringLiteral("wamp.2.msgpack")});
        QSignalSpy connected(&socket, &QWebSocket::connected);
        QSignalSpy disconnected(&socket, &QWebSocket::disconnected);
        socket.open(listener->url(), options);
        QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, kLongTimeoutMs);
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        Probe sp(m_watch.accepted.first());
        socket.sendBinaryMessage(QByteArray(int(limit) + 1, 'x'));
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kLongTimeoutMs);
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QVERIFY2(sp.errorTexts.first().contains(QStringLiteral("exceeds the limit of 262144 bytes")), qPrintable(sp.errorTexts.first()));
        QVERIFY(sp.messages.isEmpty());
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void wsBurstOf200Connections()
    {
        auto listener = startListener(QStringLiteral("ws"));
        QVERIFY(listener);
        constexpr int kCount = 200;
        QList<Probe *> probes;
        std::vector<std::unique_ptr<Probe>> owners;
        for (int i = 0; i < kCount; ++i) {
            ConnectOptions options;
            options.url = listener->url();
            options.serializer = codec::SerializerId(1 + i % 3);
            options.connectTimeoutMs = kLongTimeoutMs;
            Transport *client = connectTo(options, this);
            QVERIFY(client);
            owners.push_back(std::make_unique<Probe>(client));
            probes.append(owners.back().get());
        }
        auto openedCount = [&] {
            int n = 0;
            for (const Probe *p : std::as_const(probes))
                n += p->openedCount;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(openedCount(), kCount, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_watch.accepted.size(), kCount, 60000);
        QVERIFY(m_watch.rejected.isEmpty());
        for (const Probe *p : std::as_const(probes))
            QCOMPARE(p->closedCount, 0);
    }
};

QTEST_GUILESS_MAIN(TstWebSocketTransport)
#include "tst_websockettransport.moc"
