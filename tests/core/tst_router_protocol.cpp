// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process: protocol violations (each closes the session with an ABORT), messages that look
// odd but are legal, and messages over the size limit on both transports.

#include "routertestconfig.h"

#include "fakes/rawpeer.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::routertests;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::router::SessionInfo;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstRouterProtocol : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init()
    {
        m_h.clearLog();
        QVERIFY2(m_h.start(testConfig()), qPrintable(m_h.error()));
    }

    void cleanup() { m_h.reset(); }

    // ------------------------------------------------------------------ protocol violations

    void protocolViolation_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("joinFirst");
        QTest::addColumn<QByteArray>("raw");  ///< sent as is when not empty
        QTest::addColumn<Value>("message");   ///< otherwise this value, encoded as JSON
        QTest::addColumn<QString>("reason");  ///< expected in ABORT.Details.message

        const Dict roles{{s("roles"), FakePeer::defaultRoles()}};
        QByteArray garbage;
        for (int i = 0; i < 64; ++i)
            garbage.append(char(QRandomGenerator::global()->bounded(32, 127)));
        garbage.prepend("}{");
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("garbage-before-welcome") << kind << false << garbage << Value() << s("could not decode");
            row("garbage-after-welcome") << kind << true << garbage << Value() << s("could not decode");
            row("not-a-list") << kind << true << QByteArray() << Value(Dict{{s("a"), 1}}) << s("must be a list");
            row("empty-list") << kind << true << QByteArray() << Value(List{}) << s("empty");
            row("unknown-code") << kind << true << QByteArray() << Value(List{99, 1, Dict()}) << s("unknown message type 99");
            row("hello-twice") << kind << true << QByteArray() << Value(List{1, kRealm, roles}) << s("HELLO is not allowed");
            row("null-options") << kind << true << QByteArray() << Value(List{32, 1, Value(), s("com.t")}) << s("SUBSCRIBE: element 2 must be a dict");
            row("string-request-id") << kind << true << QByteArray() << Value(List{32, s("1"), Dict(), s("com.t")}) << s("element 1 must be an ID");
            row("id-too-big") << kind << true << QByteArray() << Value(List{48, qint64(9007199254740993ll), Dict(), s("com.p")}) << s("element 1 must be an ID");
            row("call-before-welcome") << kind << false << QByteArray() << Value(List{48, 1, Dict(), s("com.p")}) << s("CALL is not allowed before HELLO");
            row("goodbye-before-welcome") << kind << false << QByteArray() << Value(List{6, Dict(), s("wamp.close.close_realm")}) << s("GOODBYE is not allowed");
            row("welcome-from-client") << kind << true << QByteArray() << Value(List{2, 1, Dict()}) << s("WELCOME may not be sent by a client");
            row("event-from-client") << kind << true << QByteArray() << Value(List{36, 1, 2, Dict()}) << s("EVENT may not be sent by a client");
            row("error-for-call") << kind << true << QByteArray() << Value(List{8, 48, 1, Dict(), s("com.err")}) << s("ERROR for request type 48");
            row("error-for-publish") << kind << true << QByteArray() << Value(List{8, 16, 1, Dict(), s("com.err")}) << s("ERROR for request type 16");
            row("yield-never-sent") << kind << true << QByteArray() << Value(List{70, 12345, Dict()}) << s("YIELD for invocation 12345, which was never sent");
            row("invocation-error-never-sent") << kind << true << QByteArray() << Value(List{8, 68, 77, Dict(), s("com.err")}) << s("ERROR for invocation 77");
            row("hello-no-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict()}) << s("roles is missing");
            row("hello-empty-roles") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict()}}}) << s("roles must not be empty");
            row("hello-router-role") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("broker"), Dict()}}}}}) << s("unknown role \"broker\"");
            row("hello-feature-not-bool") << kind << false << QByteArray()
                                          << Value(List{1, kRealm, Dict{{s("roles"), Dict{{s("caller"), Dict{{s("features"), Dict{{s("call_canceling"), 1}}}}}}}}})
                                          << s("must be a boolean");
            row("hello-bad-authmethods") << kind << false << QByteArray() << Value(List{1, kRealm, Dict{{s("roles"), FakePeer::defaultRoles()}, {s("authmethods"), s("ticket")}}}) << s("authmethods must be a list");
            row("call-bad-length") << kind << true << QByteArray() << Value(List{48, 1, Dict(), s("com.p"), List(), Dict(), 7}) << s("CALL must have 4 to 6 elements");
        }
    }
    void protocolViolation()
    {
        QFETCH(QString, kind);
        QFETCH(bool, joinFirst);
        QFETCH(QByteArray, raw);
        QFETCH(Value, message);
        QFETCH(QString, reason);

        // B: a bystander with a subscription; it must keep being served.
        FakePeer *b = m_h.joined(kind);
        QVERIFY2(b, qPrintable(m_h.error()));
        QVERIFY(b->subscribe(s("com.topic")));

        FakePeer *a = m_h.peer(kind);
        QVERIFY2(a, qPrintable(m_h.error()));
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);
        if (joinFirst) {
            QVERIFY(a->join(kRealm));
            QCOMPARE(a->register_(s("com.a.proc"))->type(), MessageType::Registered);
            QCOMPARE(a->subscribe(s("com.a.topic"))->type(), MessageType::Subscribed);
        }
        if (!raw.isEmpty())
            a->sendRaw(raw);
        else
            a->sendValue(message);

        const auto abort = a->waitFor(MessageType::Abort);
        QVERIFY2(abort, "no ABORT");
        QCOMPARE(abort->uri(), uris::protocolViolation);
        const QString text = dictAt(*abort, 1).value(s("message")).toString();
        QVERIFY2(text.contains(reason), qPrintable(text));
        QVERIFY(a->waitClosed());
        QVERIFY(m_h.logContains(s("protocol violation from")));
        QVERIFY(m_h.logContains(reason));
        if (joinFirst) {
            QTRY_COMPARE(leftSpy.size(), 1);
            QVERIFY(leftSpy.at(0).at(1).toString().contains(s("protocol violation")));
        }

        // Its registration is gone: someone else can take the procedure.
        checkStillServing(b);
        const auto reg = b->register_(s("com.a.proc"));
        QVERIFY(reg);
        QCOMPARE(reg->type(), MessageType::Registered);
        QCOMPARE(m_h.router()->sessionCount(), 1);
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(1));
    }

    void nonViolations_data() { RouterHarness::addTransportRows(); }
    void nonViolations()
    {
        QFETCH(QString, kind);
        FakePeer *a = m_h.joined(kind);
        QVERIFY2(a, qPrintable(m_h.error()));
        // Unknown option keys, CANCEL for an unknown call: ignored.
        const auto sub = a->subscribe(s("com.t"), {{s("x_custom"), s("whatever")}, {s("_private"), List{1}}});
        QVERIFY(sub);
        QCOMPARE(sub->type(), MessageType::Subscribed);
        a->send(Message::cancel(4242, {{s("mode"), s("kill")}}));
        // Bad URIs in requests are answered with ERROR invalid_uri, not ABORT.
        quint64 req = a->nextRequestId();
        a->send(Message::subscribe(req, {}, s("com..t")));
        auto e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->type(), MessageType::Error);
        QCOMPARE(e->uri(), uris::invalidUri);
        QVERIFY(!e->args().value(0).toString().isEmpty());
        req = a->nextRequestId();
        a->send(Message::subscribe(req, {{s("match"), s("regex")}}, s("com.t")));
        e = a->waitReply(req, {MessageType::Subscribed});
        QVERIFY(e);
        QCOMPARE(e->uri(), uris::invalidArgument);
        checkStillServing(a);
        QVERIFY(!a->isClosed());
    }

    void messageTooLarge_data() { RouterHarness::addTransportRows(); }
    void messageTooLarge()
    {
        // The transport enforces the listener's limit: only this connection closes, with a reason in the log.
        // ws: 20 MiB against the default 16 MiB. rs: a frame cannot announce more than 2^24 bytes, so the rs
        // listener gets a 1 MiB limit and a 2 MiB frame. Raw sockets: our client transports refuse to send
        // more than the peer accepts.
        QFETCH(QString, kind);
        RouterConfig c = testConfig();
        c.listeners[1].maxMessageSize = 1024 * 1024;
        QVERIFY(m_h.start(c));
        FakePeer *b = m_h.joined(kind);
        QVERIFY2(b, qPrintable(m_h.error()));
        QSignalSpy leftSpy(m_h.router(), &Router::sessionLeft);
        const QByteArray hello = codec::serializer(SerializerId::Json)
                                     ->encode(Message::hello(kRealm, {{s("roles"), FakePeer::defaultRoles()}}).toValue());
        const int size = kind == u"ws" ? 20 * 1024 * 1024 : 2 * 1024 * 1024;
        const QByteArray big = "[16,1,{},\"com.big\",[\"" + QByteArray(size, 'x') + "\"]]";
        if (kind == u"ws") {
            bool closed = false;
            QByteArray received;
            QWebSocket ws;
            QWebSocketHandshakeOptions options;
            options.setSubprotocols({s("wamp.2.json")});
            connect(&ws, &QWebSocket::disconnected, this, [&closed] { closed = true; });
            connect(&ws, &QWebSocket::textMessageReceived, this, [&received](const QString &t) { received += t.toUtf8(); });
            ws.open(m_h.urlFor(kind), options);
            QTRY_VERIFY(ws.state() == QAbstractSocket::ConnectedState);
            ws.sendTextMessage(QString::fromUtf8(hello));
            QTRY_VERIFY(received.startsWith("[2,"));
            ws.sendTextMessage(QString::fromUtf8(big));
            QTRY_VERIFY_WITH_TIMEOUT(closed, 15000);
            QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        } else {
            wb::testing::RawSocketPeer raw;
            QVERIFY(raw.connectTo(m_h.urlFor(kind)));
            QVERIFY(raw.handshake(SerializerId::Json));
            QCOMPARE(raw.received().size(), 4);
            QCOMPARE(raw.received().at(0), char(0x7f));
            QCOMPARE(quint8(raw.received().at(1)) & 0x0f, 1); // JSON echoed
            raw.write(wb::testing::RawSocketPeer::frame(hello));
            QTRY_VERIFY(raw.received().size() > 8 && raw.received().mid(8).startsWith("[2,"));
            raw.write(wb::testing::RawSocketPeer::frame(big));
            QTRY_VERIFY_WITH_TIMEOUT(raw.isClosed(), 15000);
        }
        QTRY_COMPARE(leftSpy.size(), 1);
        QVERIFY2(m_h.logContains(s("exceeds the limit")), qPrintable(m_h.log().join(u'\n')));
        QVERIFY(leftSpy.at(0).at(1).toString().contains(s("exceeds the limit")));
        checkStillServing(b);
    }
};

QTEST_GUILESS_MAIN(TstRouterProtocol)
#include "tst_router_protocol.moc"
