// SPDX-License-Identifier: GPL-3.0-or-later
// The transport contract, data-driven over every transport (ws, rs, unix) x serializer: factories, messages both
// ways, size limits, closing from either side, abort, and the client failures (refused, timeout, close while
// connecting).

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

class TstTransportContract : public TransportTestBase
{
    Q_OBJECT

private slots:
    void initTestCase() { checkSetup(); }
    void cleanup() { dropTransports(); }

    // ---- factories -------------------------------------------------------------------------------

    void factoryErrors_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("listener");
        QTest::addColumn<QString>("error");
        QTest::newRow("rss-no-port") << QStringLiteral("rss://example.org") << false << QStringLiteral("missing port");
        QTest::newRow("wss-listen-no-port") << QStringLiteral("wss://127.0.0.1/ws") << true << QStringLiteral("missing port");
        QTest::newRow("http") << QStringLiteral("http://example.org") << false << QStringLiteral("unsupported URL scheme 'http'");
        QTest::newRow("no-scheme") << QStringLiteral("example.org") << false << QStringLiteral("scheme");
        QTest::newRow("empty") << QString() << false << QStringLiteral("no URL");
        QTest::newRow("rs-no-port") << QStringLiteral("rs://127.0.0.1") << false << QStringLiteral("missing port");
        QTest::newRow("tcp-no-host") << QStringLiteral("tcp://:8080") << false << QStringLiteral("missing host");
        QTest::newRow("ws-listen-no-port") << QStringLiteral("ws://127.0.0.1/ws") << true << QStringLiteral("missing port");
        QTest::newRow("unix-relative") << QStringLiteral("unix://tmp/x.sock") << false << QStringLiteral("unix:///absolute/path");
        QTest::newRow("unix-no-path") << QStringLiteral("unix://") << true << QStringLiteral("missing socket path");
    }
    void factoryErrors()
    {
        QFETCH(QString, url);
        QFETCH(bool, listener);
        QFETCH(QString, error);
        QString text;
        if (listener) {
            std::unique_ptr<Listener> l(createListener(QUrl(url), nullptr, &text));
            QVERIFY(!l);
        } else {
            ConnectOptions options;
            options.url = QUrl(url);
            std::unique_ptr<Transport> t(connectTo(options, nullptr, &text));
            QVERIFY(!t);
        }
        QVERIFY2(text.contains(error), qPrintable(text));
    }

    void listenerUrlReflectsPort_data() { contractData(); }
    void listenerUrlReflectsPort()
    {
        QFETCH(QString, kind);
        auto listener = startListener(kind);
        QVERIFY(listener);
        const QUrl url = listener->url();
        QCOMPARE(url.scheme(), kind);
        if (kind == QLatin1String("unix"))
            QCOMPARE(url.path(), m_dir.filePath(QStringLiteral("wb.sock")));
        else
            QVERIFY(url.port() > 0);
    }

    // ---- contract --------------------------------------------------------------------------------

    void messagesBothWays_data() { contractData(); }
    void messagesBothWays()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto [client, server] = connectPair(listener.get(), ser);
        QVERIFY(client && server);
        QCOMPARE(client->state(), Transport::State::Open);
        QCOMPARE(server->state(), Transport::State::Open);
        QCOMPARE(client->serializerId(), ser);
        QCOMPARE(server->serializerId(), ser);
        QVERIFY(!client->peerAddress().isEmpty());
        QVERIFY(!server->peerAddress().isEmpty());
        if (kind == QLatin1String("ws"))
            QCOMPARE(client->kind(), QStringLiteral("websocket"));
        else
            QCOMPARE(client->kind(), kind == QLatin1String("rs") ? QStringLiteral("rawsocket-tcp") : QStringLiteral("rawsocket-unix"));
        if (kind != QLatin1String("ws")) {
            QCOMPARE(client->maxOutgoingMessageSize(), kServerLimit); // the router's announced limit
            QCOMPARE(server->maxOutgoingMessageSize(), kDefaultMaxMessageSize);
        }
        Probe cp(client), sp(server);
        const bool binary = isBinary(ser);

        const QByteArray small = binary ? bytes({0x93, 0x01, 0x00, 0xFF}) : QByteArray("[1,{},\"x\"]");
        QVERIFY(client->send(small));
        QTRY_COMPARE(sp.messages.size(), 1);
        QCOMPARE(sp.messages.first(), small);
        QVERIFY(server->send(small + small));
        QTRY_COMPARE(cp.messages.size(), 1);
        QCOMPARE(cp.messages.first(), small + small);

        // About 1 MiB both ways (arrives over many reads).
        const QByteArray big = makePayload(1024 * 1024 + 17, binary, 42);
        QVERIFY(client->send(big));
        QTRY_COMPARE_WITH_TIMEOUT(sp.messages.size(), 2, kLongTimeoutMs);
        QVERIFY(sp.messages.at(1) == big);
        QVERIFY(server->send(big));
        QTRY_COMPARE_WITH_TIMEOUT(cp.messages.size(), 2, kLongTimeoutMs);
        QVERIFY(cp.messages.at(1) == big);

        // A burst keeps its order.
        QByteArrayList burst;
        for (int i = 0; i < 200; ++i)
            burst.append(makePayload(1 + (i * 37) % 3000, binary, quint32(i)) + QByteArray::number(i));
        for (const QByteArray &m : std::as_const(burst)) {
            QVERIFY(client->send(m));
            QVERIFY(server->send(m));
        }
        QTRY_COMPARE_WITH_TIMEOUT(sp.messages.size(), 2 + burst.size(), kLongTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cp.messages.size(), 2 + burst.size(), kLongTimeoutMs);
        QCOMPARE(sp.messages.mid(2), burst);
        QCOMPARE(cp.messages.mid(2), burst);
        QTRY_COMPARE(client->bytesToWrite(), qint64(0));

        QVERIFY(sp.errors.isEmpty());
        QVERIFY(cp.errors.isEmpty());
        QCOMPARE(cp.closedCount + sp.closedCount, 0);
    }

    void sendRefusedWhenTooLargeOrClosed_data() { contractData(); }
    void sendRefusedWhenTooLargeOrClosed()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        ConnectOptions options;
        options.url = listener->url();
        options.serializer = ser;
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        QCOMPARE(client->state(), Transport::State::Connecting);
        QVERIFY(!client->send("x")); // not open yet
        QSignalSpy opened(client, &Transport::opened);
        QVERIFY(opened.wait(kLongTimeoutMs));
        const QByteArray tooBig(int(client->maxOutgoingMessageSize() + 1), 'a');
        QVERIFY(!client->send(tooBig));
        QVERIFY(client->send("x"));
        client->close();
        QVERIFY(!client->send("x"));
    }

    void clientCloseClosesServerSide_data() { contractData(); }
    void clientCloseClosesServerSide()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto [client, server] = connectPair(listener.get(), ser);
        QVERIFY(client && server);
        Probe cp(client), sp(server);
        client->close(QStringLiteral("bye"));
        QTRY_COMPARE_WITH_TIMEOUT(sp.closedCount, 1, kLongTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(cp.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(cp.closeReason, QStringLiteral("bye"));
        QVERIFY(!sp.closeReason.isEmpty());
        if (kind == QLatin1String("ws"))
            QVERIFY2(sp.closeReason.contains(QStringLiteral("bye")), qPrintable(sp.closeReason));
        QCOMPARE(server->state(), Transport::State::Closed);
        QCOMPARE(client->state(), Transport::State::Closed);
        QVERIFY(cp.errors.isEmpty());
        QVERIFY(sp.errors.isEmpty());
        // Exactly once, also after more events and further close()/abort() calls.
        client->close();
        client->abort();
        server->abort();
        // Event-loop barrier instead of a couple of processEvents(): a second pair through the same listener
        // connects and carries one message, which takes several rounds of socket events; a late second closed()
        // of the first pair would have been delivered by then.
        auto [client2, server2] = connectPair(listener.get(), ser);
        QVERIFY(client2 && server2);
        Probe sp2(server2);
        QVERIFY(client2->send("ping"));
        QTRY_COMPARE_WITH_TIMEOUT(sp2.messages.size(), 1, kLongTimeoutMs);
        QCOMPARE(sp.closedCount, 1);
        QCOMPARE(cp.closedCount, 1);
    }

    void serverCloseClosesClient_data() { contractData(); }
    void serverCloseClosesClient()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto [client, server] = connectPair(listener.get(), ser);
        QVERIFY(client && server);
        Probe cp(client), sp(server);
        // A message queued right before close() still arrives.
        QVERIFY(server->send(isBinary(ser) ? bytes({0x91, 0x06}) : QByteArray("[6]")));
        server->close(QStringLiteral("shutting down"));
        QTRY_COMPARE_WITH_TIMEOUT(cp.closedCount, 1, kLongTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(sp.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(cp.messages.size(), 1);
        QCOMPARE(sp.closeReason, QStringLiteral("shutting down"));
        if (kind == QLatin1String("ws"))
            QVERIFY2(cp.closeReason.contains(QStringLiteral("shutting down")), qPrintable(cp.closeReason));
        QVERIFY(cp.errors.isEmpty());
    }

    void abortClosesBothSides_data() { contractData(); }
    void abortClosesBothSides()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto [client, server] = connectPair(listener.get(), ser);
        QVERIFY(client && server);
        Probe cp(client), sp(server);
        client->abort();
        QCOMPARE(cp.closedCount, 1); // synchronous
        QCOMPARE(client->state(), Transport::State::Closed);
        QTRY_COMPARE_WITH_TIMEOUT(sp.closedCount, 1, kLongTimeoutMs);
    }

    void oversizedClosesOnlyThatConnection_data() { contractData(); }
    void oversizedClosesOnlyThatConnection()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        const qint64 limit = 256 * 1024;
        auto listener = startListener(kind, limit);
        QVERIFY(listener);
        const bool binary = isBinary(ser);

        // The connection that keeps working.
        auto [goodClient, goodServer] = connectPair(listener.get(), ser);
        QVERIFY(goodClient && goodServer);
        Probe gc(goodClient), gs(goodServer);

        Transport *badServer = nullptr;
        std::unique_ptr<QIODevice> raw;
        Probe *bc = nullptr;
        std::unique_ptr<Probe> bcOwner;
        if (kind == QLatin1String("ws")) {
            auto [badClient, server] = connectPair(listener.get(), ser);
            QVERIFY(badClient && server);
            badServer = server;
            bcOwner = std::make_unique<Probe>(badClient);
            bc = bcOwner.get();
            QVERIFY(badClient->send(makePayload(limit + 1, binary, 7)));
        } else {
            // Our own client refuses to send more than the router announced, so misbehave by hand.
            const auto before = m_watch.accepted.size();
            raw = rawConnect(kind, listener.get());
            QVERIFY(raw);
            raw->write(rawsocket::encodeHandshake(int(ser), 15));
            QTRY_VERIFY(raw->bytesAvailable() >= 4);
            auto reply = rawsocket::decodeHandshake(raw->read(4));
            QVERIFY(reply.ok());
            QCOMPARE(reply->maxLength(), limit);
            QTRY_COMPARE(m_watch.accepted.size(), before + 1);
            badServer = m_watch.accepted.last();
            // Only the header and a little payload: the router must not wait for the rest.
            raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, limit + 1));
            raw->write(makePayload(100, binary, 7));
        }
        Probe bs(badServer);
        QTRY_COMPARE_WITH_TIMEOUT(bs.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(bs.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QVERIFY(bs.errorBeforeClose);
        QVERIFY2(bs.errorTexts.first().contains(QStringLiteral("exceeds the limit of %1 bytes").arg(limit)),
                 qPrintable(bs.errorTexts.first()));
        if (kind != QLatin1String("ws"))
            QVERIFY2(bs.errorTexts.first().contains(QStringLiteral("incoming message of %1 bytes").arg(limit + 1)),
                     qPrintable(bs.errorTexts.first()));
        QCOMPARE(bs.closeReason, bs.errorTexts.first());
        if (bc) {
            QTRY_COMPARE_WITH_TIMEOUT(bc->closedCount, 1, kLongTimeoutMs);
            QVERIFY2(bc->closeReason.contains(QStringLiteral("1009")), qPrintable(bc->closeReason));
        } else {
            QTRY_VERIFY_WITH_TIMEOUT(rawIsDisconnected(raw.get()), kLongTimeoutMs);
        }

        // The other connection is unaffected.
        const QByteArray m = makePayload(1000, binary, 1);
        QVERIFY(goodClient->send(m));
        QVERIFY(goodServer->send(m));
        QTRY_COMPARE(gs.messages, QByteArrayList{m});
        QTRY_COMPARE(gc.messages, QByteArrayList{m});
        QCOMPARE(gc.closedCount + gs.closedCount, 0);
    }

    // ---- client failures -------------------------------------------------------------------------

    void connectionRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("ws") << QStringLiteral("ws");
        QTest::newRow("rs") << QStringLiteral("rs");
        QTest::newRow("unix") << QStringLiteral("unix");
    }
    void connectionRefused()
    {
        QFETCH(QString, kind);
        quint16 port = 0;
        {
            QTcpServer probe; // find a port nobody listens on
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        ConnectOptions options;
        if (kind == QLatin1String("unix"))
            options.url = QUrl(QStringLiteral("unix://") + m_dir.filePath(QStringLiteral("nobody.sock")));
        else
            options.url = QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(kind).arg(port));
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        Probe p(client);
        QTRY_COMPARE_WITH_TIMEOUT(p.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(p.openedCount, 0);
        QCOMPARE(p.errors.size(), 1);
        QVERIFY(p.errorBeforeClose);
        QCOMPARE(p.errors.first(), TransportError::ConnectionRefused);
        QCOMPARE(client->error(), TransportError::ConnectionRefused);
        QVERIFY(!client->errorString().isEmpty());
    }

    void connectTimeout_data() { connectionRefused_data(); }
    void connectTimeout()
    {
        QFETCH(QString, kind);
        // A TCP server that accepts and never answers (no upgrade response, no handshake reply).
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        std::unique_ptr<QLocalServer> silentLocal;
        ConnectOptions options;
        if (kind == QLatin1String("unix")) {
            silentLocal = std::make_unique<QLocalServer>();
            const QString path = m_dir.filePath(QStringLiteral("silent.sock"));
            QLocalServer::removeServer(path);
            QVERIFY(silentLocal->listen(path));
            options.url = QUrl(QStringLiteral("unix://") + path);
        } else {
            options.url = QUrl(QStringLiteral("%1://127.0.0.1:%2").arg(kind).arg(silent.serverPort()));
        }
        options.connectTimeoutMs = 300;
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        Probe p(client);
        QTRY_COMPARE_WITH_TIMEOUT(p.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(p.errors, QList<TransportError>{TransportError::Timeout});
        QVERIFY2(p.errorTexts.first().contains(QStringLiteral("300 ms")), qPrintable(p.errorTexts.first()));
        QCOMPARE(p.openedCount, 0);
    }

    void closeWhileConnecting()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        ConnectOptions options;
        options.url = QUrl(QStringLiteral("rs://127.0.0.1:%1").arg(silent.serverPort()));
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        Probe p(client);
        client->close(QStringLiteral("changed my mind"));
        QTRY_COMPARE(p.closedCount, 1);
        QCOMPARE(p.closeReason, QStringLiteral("changed my mind"));
        QCOMPARE(p.openedCount, 0);
        QVERIFY(p.errors.isEmpty());
    }

    void clientRefusesOversizedIncoming_data() { contractData(); }
    void clientRefusesOversizedIncoming()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        const auto before = m_watch.accepted.size();
        ConnectOptions options;
        options.url = listener->url();
        options.serializer = ser;
        options.maxMessageSize = 64 * 1024;
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        QSignalSpy opened(client, &Transport::opened);
        QVERIFY(opened.wait(kLongTimeoutMs));
        QTRY_COMPARE(m_watch.accepted.size(), before + 1);
        Transport *server = m_watch.accepted.last();
        Probe cp(client), sp(server);
        const QByteArray big = makePayload(64 * 1024 + 1, isBinary(ser), 3);
        if (kind != QLatin1String("ws")) {
            // RawSocket announced our limit: the router side refuses to send it at all.
            QCOMPARE(server->maxOutgoingMessageSize(), qint64(64 * 1024));
            QVERIFY(!server->send(big));
            QVERIFY(server->send(big.left(64 * 1024)));
            QTRY_COMPARE(cp.messages.size(), 1);
            return;
        }
        QVERIFY(server->send(big));
        QTRY_COMPARE_WITH_TIMEOUT(cp.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(cp.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QVERIFY2(cp.errorTexts.first().contains(QStringLiteral("exceeds the limit of 65536 bytes")), qPrintable(cp.errorTexts.first()));
        QTRY_COMPARE_WITH_TIMEOUT(sp.closedCount, 1, kLongTimeoutMs);
        // The router side learns why from the close frame, and does not claim it received too much.
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::RemoteClosed});
        QVERIFY2(sp.closeReason.contains(QStringLiteral("1009")), qPrintable(sp.closeReason));
    }
};

QTEST_GUILESS_MAIN(TstTransportContract)
#include "tst_transport_contract.moc"
