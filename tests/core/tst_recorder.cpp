// SPDX-License-Identifier: GPL-3.0-or-later
// The recorder in core: a real Session against an in-process router, recorded through a SessionTap (session ID
// per record, connection metadata, timestamps taken by the transport); batches handed over from another thread
// (intact, in order); the inbox and store caps.

#include "capture/recorder.h"
#include "capture/sessiontap.h"
#include "codec/messagecodec.h"
#include "fakes/routerfixture.h"

#include <QSignalSpy>
#include <QTest>

#include <thread>

using namespace wb;
using capture::ConnectionInfo;
using capture::Direction;
using capture::RecordedMessage;
using wamp::Message;
using wamp::MessageType;

namespace {

/// Notes when each message reaches the sinks, to compare with the transport's timestamp.
class SeenSink : public capture::TrafficSink
{
public:
    void connectionChanged(const ConnectionInfo &info) override { infos << info; }
    void messageRecorded(const RecordedMessage &m) override
    {
        messages << m;
        seenMono << transport::Timestamp::now().monoUs;
    }
    QList<ConnectionInfo> infos;
    QList<RecordedMessage> messages;
    QList<qint64> seenMono;
};

RecordedMessage publishRecord(capture::ConnectionId conn, quint64 request)
{
    RecordedMessage r;
    r.connection = conn;
    r.direction = Direction::In;
    r.serializer = codec::SerializerId::Json;
    r.time = transport::Timestamp::now();
    r.bytes = codec::encodeMessage(*codec::serializer(codec::SerializerId::Json),
                                   Message::publish(request, {}, QStringLiteral("com.example.t")));
    return r; // not decoded: the store decodes, as for a router tap
}

} // namespace

class TstRecorder : public QObject
{
    Q_OBJECT
private slots:
    void session_data()
    {
        QTest::addColumn<bool>("rawsocket");
        QTest::newRow("ws + json") << false;
        QTest::newRow("rs + msgpack") << true;
    }

    void session()
    {
        QFETCH(bool, rawsocket);
        testing::RouterFixture f;
        QVERIFY(f.start(router::RouterConfig::defaults()));
        capture::Recorder recorder;
        SeenSink sink;
        recorder.addSink(&sink);
        session::Session s;
        capture::SessionTap tap(&recorder, &s, QStringLiteral("local"));
        QSignalSpy joined(&s, &session::Session::joined);
        transport::ConnectOptions c;
        c.url = rawsocket ? f.rs : f.ws;
        c.serializer = rawsocket ? codec::SerializerId::MsgPack : codec::SerializerId::Json;
        s.open(c, {});
        QVERIFY(joined.wait(5000));
        const quint64 sessionId = s.sessionId();
        bool answered = false;
        s.call(QStringLiteral("wamp.session.count"), {}, {}, {}, [&](const session::CallResult &) { answered = true; },
               [&](const session::WampError &) { answered = true; });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 5000);
        QSignalSpy left(&s, &session::Session::left);
        s.leave();
        QVERIFY(left.wait(5000));

        const capture::CaptureStore *store = recorder.store();
        QCOMPARE(store->size(), 6); // HELLO WELCOME CALL RESULT GOODBYE GOODBYE
        QCOMPARE(sink.messages.size(), 6);
        QStringList types;
        for (quint64 seq = store->firstSeq(); seq < store->nextSeq(); ++seq)
            types << Message::typeName(qint64(store->at(seq).type));
        QCOMPARE(types, (QStringList{QStringLiteral("HELLO"), QStringLiteral("WELCOME"), QStringLiteral("CALL"),
                                     QStringLiteral("RESULT"), QStringLiteral("GOODBYE"), QStringLiteral("GOODBYE")}));
        // the session ID per record: none before WELCOME, then the session's
        QCOMPARE(store->at(store->firstSeq()).sessionId, quint64(0));
        for (quint64 seq = store->firstSeq() + 1; seq < store->nextSeq(); ++seq)
            QCOMPARE(store->at(seq).sessionId, sessionId);
        // timestamps: from the transport, before the sinks saw the message, in order, wall derived from mono
        qint64 previous = 0;
        for (int i = 0; i < sink.messages.size(); ++i) {
            const transport::Timestamp t = sink.messages.at(i).time;
            QVERIFY(t.isValid());
            QVERIFY2(t.monoUs <= sink.seenMono.at(i), qPrintable(QString::number(i)));
            QVERIFY(t.monoUs >= previous);
            QCOMPARE(t.wallUs, transport::Timestamp::wallFromMono(t.monoUs));
            previous = t.monoUs;
            QCOMPARE(store->at(store->firstSeq() + quint64(i)).monoUs, t.monoUs);
            QCOMPARE(store->at(store->firstSeq() + quint64(i)).timeUs, t.wallUs);
        }
        // The RESULT was stamped when it was read, before the session got round to handling it, so the CALL -> RESULT
        // time is the wire round trip.
        QVERIFY(sink.messages.at(3).time.monoUs >= sink.messages.at(2).time.monoUs);

        // the connection's metadata
        const QList<ConnectionInfo> infos = recorder.connections();
        QCOMPARE(infos.size(), 1);
        const ConnectionInfo info = infos.first();
        QCOMPARE(info.name, QStringLiteral("local"));
        QCOMPARE(info.source, tap.source());
        QCOMPARE(info.url, c.url);
        QCOMPARE(info.transport, rawsocket ? capture::TransportKind::RawSocketTcp : capture::TransportKind::WebSocket);
        QCOMPARE(capture::transportScheme(info.transport), rawsocket ? QStringLiteral("rs") : QStringLiteral("ws"));
        QCOMPARE(info.serializer, c.serializer);
        QCOMPARE(info.peerAddress, QStringLiteral("127.0.0.1:%1").arg(c.url.port()));
        QVERIFY2(info.localAddress.startsWith(QStringLiteral("127.0.0.1:")), qPrintable(info.localAddress));
        QVERIFY(info.localAddress != info.peerAddress);
        QVERIFY(info.opened.isValid());
        QVERIFY(info.opened.monoUs <= sink.messages.first().time.monoUs);
        QTRY_VERIFY_WITH_TIMEOUT(recorder.connection(info.id).closed.isValid(), 5000);
        const ConnectionInfo closed = recorder.connection(info.id);
        QVERIFY2(closed.closeReason.contains(QStringLiteral("wamp.close")), qPrintable(closed.closeReason));
        QVERIFY(closed.closed.monoUs >= sink.messages.last().time.monoUs);
        if (!rawsocket)
            QTRY_COMPARE_WITH_TIMEOUT(recorder.connection(info.id).closeCode, 1000, 5000);
        QVERIFY(!sink.infos.isEmpty());
        QCOMPARE(sink.infos.first().id, info.id);
    }

    void reconnectIsANewConnectionOfTheSameSource()
    {
        testing::RouterFixture f;
        QVERIFY(f.start(router::RouterConfig::defaults()));
        capture::Recorder recorder;
        session::Session s;
        capture::SessionTap tap(&recorder, &s, QStringLiteral("again"));
        transport::ConnectOptions c;
        c.url = f.ws;
        QList<quint64> ids;
        for (int round = 0; round < 2; ++round) {
            QSignalSpy joined(&s, &session::Session::joined);
            s.open(c, {});
            QVERIFY(joined.wait(5000));
            ids << s.sessionId();
            QSignalSpy left(&s, &session::Session::left);
            s.leave();
            QVERIFY(left.wait(5000));
        }
        const QList<ConnectionInfo> infos = recorder.connections();
        QCOMPARE(infos.size(), 2);
        QCOMPARE(infos.at(0).source, infos.at(1).source);
        QVERIFY(infos.at(0).id != infos.at(1).id);
        const capture::CaptureStore *store = recorder.store();
        // the records of each connection carry the session of that connection
        for (quint64 seq = store->firstSeq(); seq < store->nextSeq(); ++seq) {
            const capture::CaptureRecord &r = store->at(seq);
            if (r.type == quint8(MessageType::Hello))
                continue;
            QCOMPARE(r.sessionId, ids.at(r.connection == infos.at(0).id ? 0 : 1));
        }
    }

    void batchesFromAnotherThread()
    {
        capture::Recorder recorder;
        SeenSink sink;
        recorder.addSink(&sink);
        constexpr int kBatches = 50;
        constexpr int kPerBatch = 200;
        capture::ConnectionId conn = 0;
        std::thread producer([&] {
            ConnectionInfo info;
            info.name = QStringLiteral("router tap");
            info.perspective = capture::Perspective::Router;
            conn = recorder.addConnection(info); // from this thread, before its messages
            quint64 request = 1;
            for (int b = 0; b < kBatches; ++b) {
                QList<RecordedMessage> batch;
                for (int i = 0; i < kPerBatch; ++i)
                    batch << publishRecord(conn, request++);
                recorder.appendBatch(batch);
                std::this_thread::sleep_for(std::chrono::milliseconds(1)); // a tap hands over every few ms
            }
        });
        producer.join();
        QTRY_COMPARE_WITH_TIMEOUT(recorder.store()->size(), qsizetype(kBatches * kPerBatch), 5000);
        const capture::CaptureStore *store = recorder.store();
        QCOMPARE(store->connectionName(conn), QStringLiteral("router tap"));
        QCOMPARE(store->perspective(conn), capture::Perspective::Router);
        QCOMPARE(sink.infos.size(), 1); // the connection reached the sinks before its messages
        quint64 expected = 1;
        for (quint64 seq = store->firstSeq(); seq < store->nextSeq(); ++seq, ++expected) {
            const capture::CaptureRecord &r = store->at(seq);
            QCOMPARE(r.type, quint8(MessageType::Publish));
            QCOMPARE(r.requestId, expected);
            QCOMPARE(r.connection, conn);
            QVERIFY(!r.violation);
        }
        QCOMPARE(recorder.droppedCount(), quint64(0));
        QCOMPARE(store->bytes(store->firstSeq()), sink.messages.first().bytes);
    }

    void capsHold()
    {
        capture::Recorder recorder;
        recorder.store()->setCapacity(100);
        recorder.setInboxLimit(1000);
        std::thread producer([&] {
            const capture::ConnectionId conn = recorder.addConnection(ConnectionInfo{});
            QList<RecordedMessage> batch;
            for (int i = 1; i <= 5000; ++i)
                batch << publishRecord(conn, quint64(i));
            recorder.appendBatch(batch);
        });
        producer.join(); // this thread drains nothing meanwhile: the inbox fills up
        QCOMPARE(recorder.droppedCount(), quint64(4000));
        recorder.drain();
        QCOMPARE(recorder.store()->totalRecorded(), quint64(1000));
        QCOMPARE(recorder.store()->size(), qsizetype(100));
        // the newest kept: requests 901..1000 (the first 1000 fitted the inbox)
        QCOMPARE(recorder.store()->at(recorder.store()->firstSeq()).requestId, quint64(901));
        QCOMPARE(recorder.store()->at(recorder.store()->nextSeq() - 1).requestId, quint64(1000));
    }

    void serverSideHandshakeHeaders()
    {
        // What a router-side tap can put into ConnectionInfo: the client's upgrade request as Qt parsed it.
        QString error;
        std::unique_ptr<transport::Listener> listener(
            transport::createListener(QUrl(QStringLiteral("ws://127.0.0.1:0/ws")), nullptr, &error));
        QVERIFY2(listener, qPrintable(error));
        QVERIFY(listener->listen());
        transport::Transport *server = nullptr;
        connect(listener.get(), &transport::Listener::newTransport, this, [&](transport::Transport *t) {
            t->setParent(listener.get());
            server = t;
        });
        transport::ConnectOptions c;
        c.url = listener->url();
        std::unique_ptr<transport::Transport> client(transport::connectTo(c, nullptr, &error));
        QVERIFY2(client, qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(server && client->isOpen(), 5000);
        QByteArray protocol, upgrade;
        for (const auto &[name, value] : server->handshakeRequestHeaders()) {
            if (name.compare("Sec-WebSocket-Protocol", Qt::CaseInsensitive) == 0)
                protocol = value;
            if (name.compare("Upgrade", Qt::CaseInsensitive) == 0)
                upgrade = value;
        }
        QCOMPARE(protocol, QByteArray("wamp.2.json"));
        QCOMPARE(upgrade.toLower(), QByteArray("websocket"));
        QCOMPARE(server->url().path(), QStringLiteral("/ws"));
        QCOMPARE(server->localAddress(), client->peerAddress());
        QCOMPARE(server->peerAddress(), client->localAddress());
        QVERIFY(server->openedAt().isValid());
        QVERIFY(server->handshakeResponseHeaders().isEmpty()); // Qt 6.4 does not expose them
    }

    void undecodableBatchRecordIsAViolation()
    {
        capture::Recorder recorder;
        const capture::ConnectionId conn = recorder.addConnection(ConnectionInfo{});
        RecordedMessage r = publishRecord(conn, 1);
        r.bytes = QByteArray("[16, 1, {");
        recorder.record(r);
        QCOMPARE(recorder.store()->size(), 1);
        QVERIFY(recorder.store()->at(1).violation);
        QVERIFY(!recorder.store()->violationReason(1).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstRecorder)
#include "tst_recorder.moc"
