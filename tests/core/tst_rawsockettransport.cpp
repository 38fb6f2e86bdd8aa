// SPDX-License-Identifier: GPL-3.0-or-later
// RawSocket transport specifics (TCP and unix socket): handshake rejections and timeout, stale socket files, frame
// violations, ping/pong, error replies, the incoming limit we announce, bursts delivered over several turns.

#include "transporttestsupport.h"

#include "transport/rawsocket/rawsocketframer.h"
#include "transport/rawsocket/rawsocketlistener.h"
#include "transport/rawsocket/rawsockettransport.h"

#include <QLocalServer>
#include <QTcpServer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>

using namespace wb;
using namespace wb::transport;
using namespace wb::testing::transporttests;

class TstRawSocketTransport : public TransportTestBase
{
    Q_OBJECT

private slots:
    void initTestCase() { checkSetup(); }
    void cleanup() { dropTransports(); }

    // ---- RawSocket specifics ---------------------------------------------------------------------

    void rawHandshakeRejected_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("hello");
        QTest::addColumn<QByteArray>("expectedReply");
        QTest::addColumn<QString>("reason");
        for (const char *kind : {"rs", "unix"}) {
            const QString k = QString::fromLatin1(kind);
            QTest::addRow("%s-http-request", kind) << k << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QByteArray()
                                                   << QStringLiteral("not a RawSocket handshake (first byte 0x47)");
            QTest::addRow("%s-garbage-first-byte", kind) << k << QByteArray(1, '\0') << QByteArray()
                                                         << QStringLiteral("not a RawSocket handshake (first byte 0x00)");
            QTest::addRow("%s-serializer-9", kind) << k << bytes({0x7F, 0xF9, 0, 0}) << bytes({0x7F, 0x10, 0, 0})
                                                   << QStringLiteral("unsupported serializer id 9");
            QTest::addRow("%s-serializer-0", kind) << k << bytes({0x7F, 0xF0, 0, 0}) << bytes({0x7F, 0x10, 0, 0})
                                                   << QStringLiteral("unsupported serializer id 0");
            QTest::addRow("%s-reserved-octets", kind) << k << bytes({0x7F, 0xF1, 0, 1}) << bytes({0x7F, 0x30, 0, 0})
                                                      << QStringLiteral("reserved octets");
        }
    }
    void rawHandshakeRejected()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, hello);
        QFETCH(QByteArray, expectedReply);
        QFETCH(QString, reason);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto raw = rawConnect(kind, listener.get());
        QVERIFY(raw);
        raw->write(hello);
        QTRY_VERIFY_WITH_TIMEOUT(rawIsDisconnected(raw.get()), kLongTimeoutMs);
        QCOMPARE(raw->readAll(), expectedReply);
        QTRY_COMPARE(m_watch.rejected.size(), 1);
        QVERIFY2(m_watch.rejected.first().contains(reason), qPrintable(m_watch.rejected.first()));
        QVERIFY(m_watch.accepted.isEmpty());
    }

    void rawServerHandshakeTimeout_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("hello");
        for (const char *kind : {"rs", "unix"}) {
            QTest::addRow("%s-silent", kind) << QString::fromLatin1(kind) << QByteArray();
            QTest::addRow("%s-partial", kind) << QString::fromLatin1(kind) << bytes({0x7F, 0xF1});
        }
    }
    void rawServerHandshakeTimeout()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, hello);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto *rawListener = qobject_cast<RawSocketListener *>(listener.get());
        QVERIFY(rawListener);
        rawListener->setHandshakeTimeoutMs(200);
        auto raw = rawConnect(kind, listener.get());
        QVERIFY(raw);
        raw->write(hello);
        QTRY_VERIFY_WITH_TIMEOUT(rawIsDisconnected(raw.get()), kLongTimeoutMs);
        QTRY_COMPARE(m_watch.rejected.size(), 1);
        QVERIFY2(m_watch.rejected.first().contains(QStringLiteral("no RawSocket handshake")), qPrintable(m_watch.rejected.first()));
        QVERIFY(m_watch.accepted.isEmpty());
    }

    void unixRemovesStaleSocketFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("wb.sock"));
        QFile stale(path);
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
        auto listener = startListener(QStringLiteral("unix"));
        QVERIFY(listener);
        auto [client, server] = connectPair(listener.get(), codec::SerializerId::Json);
        QVERIFY(client && server);
        listener->close();
        QVERIFY(!QFile::exists(path));
    }

    void rawFrameViolations_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<QString>("reason");
        for (const char *kind : {"rs", "unix"}) {
            const QString k = QString::fromLatin1(kind);
            QTest::addRow("%s-reserved-bits", kind) << k << bytes({0x10, 0, 0, 1, 'x'}) << QStringLiteral("reserved bits");
            QTest::addRow("%s-frame-type-5", kind) << k << bytes({0x05, 0, 0, 1, 'x'}) << QStringLiteral("frame type 5");
            QTest::addRow("%s-xbit-with-length", kind) << k << bytes({0x08, 0, 0, 1, 'x'}) << QStringLiteral("X bit");
        }
    }
    void rawFrameViolations()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, frame);
        QFETCH(QString, reason);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto raw = rawConnect(kind, listener.get());
        QVERIFY(raw);
        raw->write(rawsocket::encodeHandshake(1, 15));
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0xC1, 0, 0})); // L=12: 2 MiB
        Probe sp(m_watch.accepted.first());
        raw->write(frame);
        QTRY_VERIFY_WITH_TIMEOUT(rawIsDisconnected(raw.get()), kLongTimeoutMs);
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::ProtocolError});
        QVERIFY2(sp.errorTexts.first().contains(reason), qPrintable(sp.errorTexts.first()));
        QVERIFY(sp.messages.isEmpty());
    }

    void rawPingGetsPong_data() { rawKinds(); }
    void rawPingGetsPong()
    {
        QFETCH(QString, kind);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto raw = rawConnect(kind, listener.get());
        QVERIFY(raw);
        raw->write(rawsocket::encodeHandshake(2, 0)); // we accept 512 bytes
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0xC2, 0, 0}));
        Transport *server = m_watch.accepted.first();
        QCOMPARE(server->maxOutgoingMessageSize(), qint64(512));
        QVERIFY(!server->send(QByteArray(513, 'x')));
        Probe sp(server);
        const QByteArray payload("ping \x00\x01 payload", 16);
        // Header split from its payload, then an unsolicited PONG that must be ignored, then a message.
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Ping, payload.size()));
        QVERIFY(QTest::qWaitFor([&] { return raw->bytesToWrite() == 0; }));
        raw->write(payload);
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Pong, 3) + QByteArray("abc"));
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, 2) + QByteArray("\x91\x01", 2));
        QTRY_VERIFY(raw->bytesAvailable() >= 4 + payload.size());
        QCOMPARE(raw->read(4), rawsocket::encodeFrameHeader(rawsocket::FrameType::Pong, payload.size()));
        QCOMPARE(raw->read(payload.size()), payload);
        QTRY_COMPARE(sp.messages, QByteArrayList{QByteArray("\x91\x01", 2)});
        QVERIFY(sp.errors.isEmpty());
        QCOMPARE(server->state(), Transport::State::Open);
    }

    void rawClientHandlesErrorReplies_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<int>("error");
        QTest::addColumn<QString>("text");
        QTest::newRow("serializer-unsupported") << bytes({0x7F, 0x10, 0, 0}) << int(TransportError::SerializerUnsupported)
                                                << QStringLiteral("router rejected the RawSocket handshake: serializer unsupported (error 1)");
        QTest::newRow("max-connections") << bytes({0x7F, 0x40, 0, 0}) << int(TransportError::HandshakeFailed)
                                         << QStringLiteral("maximum connection count reached (error 4)");
        QTest::newRow("wrong-serializer-echoed") << bytes({0x7F, 0xF2, 0, 0}) << int(TransportError::HandshakeFailed)
                                                 << QStringLiteral("router answered with serializer id 2, we asked for 1");
        QTest::newRow("http-server") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n") << int(TransportError::HandshakeFailed)
                                     << QStringLiteral("not a RawSocket handshake (first byte 0x48)");
        QTest::newRow("closed-without-reply") << QByteArray() << int(TransportError::HandshakeFailed)
                                              << QStringLiteral("during the RawSocket handshake");
    }
    void rawClientHandlesErrorReplies()
    {
        QFETCH(QByteArray, reply);
        QFETCH(int, error);
        QFETCH(QString, text);
        QTcpServer fake;
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        QByteArray received;
        connect(&fake, &QTcpServer::newConnection, this, [&] {
            QTcpSocket *s = fake.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [&, s] {
                received += s->readAll();
                if (received.size() >= 4) {
                    s->write(reply);
                    s->disconnectFromHost();
                }
            });
        });
        ConnectOptions options;
        options.url = QUrl(QStringLiteral("tcp://127.0.0.1:%1").arg(fake.serverPort()));
        options.maxMessageSize = 1000; // L = 1
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        Probe p(client);
        QTRY_COMPARE_WITH_TIMEOUT(p.closedCount, 1, kLongTimeoutMs);
        QCOMPARE(received, bytes({0x7F, 0x11, 0, 0}));
        QCOMPARE(p.errors.size(), 1);
        QCOMPARE(int(p.errors.first()), error);
        QVERIFY2(p.errorTexts.first().contains(text), qPrintable(p.errorTexts.first()));
        QCOMPARE(p.closeReason, p.errorTexts.first());
        QCOMPARE(p.openedCount, 0);
    }

    void rawIncomingLimitIsWhatWeAnnounced()
    {
        // 1000 bytes configured: we announce 1024 (L=1) and must then accept 1024.
        auto listener = startListener(QStringLiteral("rs"), 1000);
        QVERIFY(listener);
        auto raw = rawConnect(QStringLiteral("rs"), listener.get());
        QVERIFY(raw);
        raw->write(rawsocket::encodeHandshake(3, 15));
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0x13, 0, 0}));
        Transport *server = m_watch.accepted.first();
        QCOMPARE(server->maxIncomingMessageSize(), qint64(1024));
        Probe sp(server);
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, 1024) + QByteArray(1024, 'x'));
        QTRY_COMPARE(sp.messages.size(), 1);
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, 1025));
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QCOMPARE(sp.errorTexts.first(), QStringLiteral("incoming message of 1025 bytes exceeds the limit of 1024 bytes"));
    }
    void rawBurstDeliveredInOrder_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("peerCloses");
        QTest::newRow("rs, then a frame violation") << QStringLiteral("rs") << false;
        QTest::newRow("rs, then the peer closes") << QStringLiteral("rs") << true;
        QTest::newRow("unix, then the peer closes") << QStringLiteral("unix") << true;
    }
    void rawBurstDeliveredInOrder()
    {
        // Far more frames than one turn delivers (RawSocketTransport::kMaxFramesPerTurn), in one write: all of them
        // arrive, in order, before the violation behind them is reported or the peer's close is.
        QFETCH(QString, kind);
        QFETCH(bool, peerCloses);
        auto listener = startListener(kind);
        QVERIFY(listener);
        auto raw = rawConnect(kind, listener.get());
        QVERIFY(raw);
        raw->write(rawsocket::encodeHandshake(2, 15));
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        raw->read(4);
        Transport *server = m_watch.accepted.first();
        Probe sp(server);
        qsizetype deliveredAtClose = -1;
        connect(server, &Transport::closed, this, [&] { deliveredAtClose = sp.messages.size(); });
        constexpr int n = 20 * RawSocketTransport::kMaxFramesPerTurn;
        QByteArray burst;
        QByteArrayList expected;
        for (int i = 0; i < n; ++i) {
            const QByteArray m = QByteArray::number(i);
            expected.append(m);
            burst += rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, m.size()) + m;
        }
        if (!peerCloses)
            burst += bytes({0xF1, 0, 0, 1}); // reserved bits set
        raw->write(burst);
        QVERIFY(QTest::qWaitFor([&] { return raw->bytesToWrite() == 0; }));
        if (peerCloses)
            raw->close();
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.messages, expected);
        QCOMPARE(deliveredAtClose, qsizetype(n));
        if (peerCloses)
            QVERIFY(sp.errors.isEmpty());
        else
            QCOMPARE(sp.errors, QList<TransportError>{TransportError::ProtocolError});
    }
};

QTEST_GUILESS_MAIN(TstRawSocketTransport)
#include "tst_rawsockettransport.moc"
