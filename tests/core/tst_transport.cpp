// SPDX-License-Identifier: GPL-3.0-or-later
// Contract test for every transport x serializer, plus protocol-violation cases with hand-made peers.
#include "codec/serializer.h"
#include "transport/rawsocket/rawsocketframer.h"
#include "transport/rawsocket/rawsocketlistener.h"
#include "transport/transport.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>

#include <memory>

using namespace wb;
using namespace wb::transport;

Q_DECLARE_METATYPE(wb::codec::SerializerId)

namespace {

constexpr qint64 kServerLimit = 2 * 1024 * 1024; // a power of two: RawSocket announces exactly this
constexpr int kLongTimeoutMs = 30000;

QByteArray makePayload(qsizetype size, bool binary, quint32 seed)
{
    QByteArray out(size, Qt::Uninitialized);
    QRandomGenerator gen(seed);
    for (qsizetype i = 0; i < size; ++i) {
        // Text serializers travel in text frames: keep JSON payloads printable ASCII.
        out[i] = binary ? char(gen.bounded(256)) : char('a' + gen.bounded(26));
    }
    return out;
}

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray out;
    for (int v : values)
        out.append(char(quint8(v)));
    return out;
}

/// Records what a transport reports.
class Probe : public QObject
{
public:
    explicit Probe(Transport *t)
        : transport(t)
    {
        QObject::connect(t, &Transport::opened, this, [this] { ++openedCount; });
        QObject::connect(t, &Transport::messageReceived, this, [this](const QByteArray &m) { messages.append(m); });
        QObject::connect(t, &Transport::errorOccurred, this, [this](TransportError e, const QString &text) {
            errors.append(e);
            errorTexts.append(text);
            errorBeforeClose = closedCount == 0;
        });
        QObject::connect(t, &Transport::closed, this, [this](const QString &reason) {
            ++closedCount;
            closeReason = reason;
        });
    }
    QPointer<Transport> transport;
    int openedCount = 0;
    int closedCount = 0;
    bool errorBeforeClose = true;
    QByteArrayList messages;
    QList<TransportError> errors;
    QStringList errorTexts;
    QString closeReason;
};

} // namespace

class TstTransport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QList<QPointer<Transport>> m_accepted;
    QStringList m_rejected;

    QUrl listenUrl(const QString &kind)
    {
        if (kind == QLatin1String("ws"))
            return QUrl(QStringLiteral("ws://127.0.0.1:0"));
        if (kind == QLatin1String("rs"))
            return QUrl(QStringLiteral("rs://127.0.0.1:0"));
        return QUrl(QStringLiteral("unix://") + m_dir.filePath(QStringLiteral("wb.sock")));
    }

    std::unique_ptr<Listener> startListener(const QString &kind, qint64 limit = kServerLimit)
    {
        QString error;
        std::unique_ptr<Listener> listener(createListener(listenUrl(kind), nullptr, &error));
        if (!listener) {
            qWarning() << "createListener failed:" << error;
            return {};
        }
        listener->setMaxMessageSize(limit);
        connect(listener.get(), &Listener::newTransport, this, [this](Transport *t) {
            t->setParent(this);
            m_accepted.append(t);
        });
        connect(listener.get(), &Listener::connectionRejected, this,
                [this](const QString &, const QString &reason) { m_rejected.append(reason); });
        if (!listener->listen()) {
            qWarning() << "listen failed:" << listener->errorString();
            return {};
        }
        return listener;
    }

    /// Connects a client and waits until both ends are open. Returns {client, server side}.
    std::pair<Transport *, Transport *> connectPair(Listener *listener, codec::SerializerId ser)
    {
        const auto before = m_accepted.size();
        ConnectOptions options;
        options.url = listener->url();
        options.serializer = ser;
        QString error;
        Transport *client = connectTo(options, this, &error);
        if (!client) {
            qWarning() << "connectTo failed:" << error;
            return {nullptr, nullptr};
        }
        QSignalSpy opened(client, &Transport::opened);
        if (!opened.wait(kLongTimeoutMs) && opened.isEmpty()) {
            qWarning() << "client did not open:" << client->errorString();
            return {nullptr, nullptr};
        }
        if (!QTest::qWaitFor([&] { return m_accepted.size() == before + 1; }, kLongTimeoutMs)) {
            qWarning() << "server side did not open";
            return {nullptr, nullptr};
        }
        return {client, m_accepted.last()};
    }

    static bool isBinary(codec::SerializerId ser) { return codec::serializer(ser)->isBinary(); }

    void contractData()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<codec::SerializerId>("ser");
        for (const char *kind : {"ws", "rs", "unix"}) {
            QTest::addRow("%s-json", kind) << QString::fromLatin1(kind) << codec::SerializerId::Json;
            QTest::addRow("%s-msgpack", kind) << QString::fromLatin1(kind) << codec::SerializerId::MsgPack;
            QTest::addRow("%s-cbor", kind) << QString::fromLatin1(kind) << codec::SerializerId::Cbor;
        }
    }

    /// Raw client for rs/unix that speaks the handshake by hand.
    std::unique_ptr<QIODevice> rawConnect(const QString &kind, Listener *listener)
    {
        if (kind == QLatin1String("rs")) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, quint16(listener->url().port()));
            if (!socket->waitForConnected(kLongTimeoutMs))
                return {};
            return socket;
        }
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(listener->url().path());
        if (!socket->waitForConnected(kLongTimeoutMs))
            return {};
        return socket;
    }

    static void rawKinds()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("rs") << QStringLiteral("rs");
        QTest::newRow("unix") << QStringLiteral("unix");
    }

    static bool rawIsDisconnected(QIODevice *io)
    {
        if (auto *tcp = qobject_cast<QTcpSocket *>(io))
            return tcp->state() == QAbstractSocket::UnconnectedState;
        return static_cast<QLocalSocket *>(io)->state() == QLocalSocket::UnconnectedState;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(codec::serializer(codec::SerializerId::Json));
        QVERIFY(codec::serializer(codec::SerializerId::MsgPack));
        QVERIFY(codec::serializer(codec::SerializerId::Cbor));
    }

    void cleanup()
    {
        for (const auto &t : std::as_const(m_accepted))
            delete t.data();
        m_accepted.clear();
        m_rejected.clear();
        qDeleteAll(findChildren<Transport *>(Qt::FindDirectChildrenOnly));
    }

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
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
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
            const auto before = m_accepted.size();
            raw = rawConnect(kind, listener.get());
            QVERIFY(raw);
            raw->write(rawsocket::encodeHandshake(int(ser), 15));
            QTRY_VERIFY(raw->bytesAvailable() >= 4);
            auto reply = rawsocket::decodeHandshake(raw->read(4));
            QVERIFY(reply.ok());
            QCOMPARE(reply->maxLength(), limit);
            QTRY_COMPARE(m_accepted.size(), before + 1);
            badServer = m_accepted.last();
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
        QTRY_COMPARE(m_rejected.size(), 1);
        QCOMPARE(m_rejected.first(), socket.closeReason());
        QVERIFY(m_accepted.isEmpty());
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
        QTRY_COMPARE(m_accepted.size(), 1);
        Probe sp(m_accepted.first());
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
        QTRY_COMPARE(m_accepted.size(), 1);
        Probe sp(m_accepted.first());
        socket.sendBinaryMessage(QByteArray(int(limit) + 1, 'x'));
        QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kLongTimeoutMs);
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QVERIFY2(sp.errorTexts.first().contains(QStringLiteral("exceeds the limit of 262144 bytes")), qPrintable(sp.errorTexts.first()));
        QVERIFY(sp.messages.isEmpty());
        QCOMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void clientRefusesOversizedIncoming_data() { contractData(); }
    void clientRefusesOversizedIncoming()
    {
        QFETCH(QString, kind);
        QFETCH(codec::SerializerId, ser);
        auto listener = startListener(kind);
        QVERIFY(listener);
        const auto before = m_accepted.size();
        ConnectOptions options;
        options.url = listener->url();
        options.serializer = ser;
        options.maxMessageSize = 64 * 1024;
        Transport *client = connectTo(options, this);
        QVERIFY(client);
        QSignalSpy opened(client, &Transport::opened);
        QVERIFY(opened.wait(kLongTimeoutMs));
        QTRY_COMPARE(m_accepted.size(), before + 1);
        Transport *server = m_accepted.last();
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
        QTRY_COMPARE_WITH_TIMEOUT(m_accepted.size(), kCount, 60000);
        QVERIFY(m_rejected.isEmpty());
        for (const Probe *p : std::as_const(probes))
            QCOMPARE(p->closedCount, 0);
    }

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
        QTRY_COMPARE(m_rejected.size(), 1);
        QVERIFY2(m_rejected.first().contains(reason), qPrintable(m_rejected.first()));
        QVERIFY(m_accepted.isEmpty());
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
        QTRY_COMPARE(m_rejected.size(), 1);
        QVERIFY2(m_rejected.first().contains(QStringLiteral("no RawSocket handshake")), qPrintable(m_rejected.first()));
        QVERIFY(m_accepted.isEmpty());
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
        QTRY_COMPARE(m_accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0xC1, 0, 0})); // L=12: 2 MiB
        Probe sp(m_accepted.first());
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
        QTRY_COMPARE(m_accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0xC2, 0, 0}));
        Transport *server = m_accepted.first();
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
        QTRY_COMPARE(m_accepted.size(), 1);
        QTRY_VERIFY(raw->bytesAvailable() >= 4);
        QCOMPARE(raw->read(4), bytes({0x7F, 0x13, 0, 0}));
        Transport *server = m_accepted.first();
        QCOMPARE(server->maxIncomingMessageSize(), qint64(1024));
        Probe sp(server);
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, 1024) + QByteArray(1024, 'x'));
        QTRY_COMPARE(sp.messages.size(), 1);
        raw->write(rawsocket::encodeFrameHeader(rawsocket::FrameType::Message, 1025));
        QTRY_COMPARE(sp.closedCount, 1);
        QCOMPARE(sp.errors, QList<TransportError>{TransportError::MessageTooLarge});
        QCOMPARE(sp.errorTexts.first(), QStringLiteral("incoming message of 1025 bytes exceeds the limit of 1024 bytes"));
    }
};

QTEST_GUILESS_MAIN(TstTransport)
#include "tst_transport.moc"
