// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in router in process: RPC routing, registration precedence, callers and callees leaving mid-call,
// cancel, progressive results and transcoding between serializers.

#include "routertestconfig.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QSignalSpy>
#include <QTest>

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

class TstRouterRpc : public QObject
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

    // ------------------------------------------------------------------ RPC

    void rpc_data() { RouterHarness::addTransportRows(); }
    void rpc()
    {
        QFETCH(QString, kind);
        FakePeer *callee = m_h.joined(kind);
        FakePeer *caller = m_h.joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        const auto reg = callee->register_(s("com.add"));
        QCOMPARE(reg->type(), MessageType::Registered);
        const quint64 regId = reg->at(2).toUInt64().value_or(0);
        QVERIFY(isValidId(regId));

        // CALL -> INVOCATION -> YIELD -> RESULT, payload intact both ways.
        const List args{23, 7, List{1, List{2}}};
        const Dict kwargs{{s("nested"), Dict{{s("a"), List{}}}}};
        quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.add"), args, kwargs));
        auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->at(1).toUInt64().value_or(0), quint64(1)); // INVOCATION IDs: sequential per callee
        QCOMPARE(inv->at(2).toUInt64().value_or(0), regId);
        QCOMPARE(dictAt(*inv, 3), Dict()); // exact registration: no procedure; no disclosure
        QCOMPARE(inv->args(), args);
        QCOMPARE(inv->kwargs(), kwargs);
        callee->send(Message::yield(inv->requestId(), {}, {30}, {{s("x"), 1}}));
        auto res = caller->waitReply(req, {MessageType::Result});
        QVERIFY(res);
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->args(), (List{30}));
        QCOMPARE(res->kwargs(), (Dict{{s("x"), 1}}));
        QCOMPARE(dictAt(*res, 2), Dict());

        // Empty YIELD -> RESULT without payload; disclose_me -> caller details.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("disclose_me"), true}}, s("com.add")));
        inv = callee->waitFor(MessageType::Invocation);
        QCOMPARE(inv->at(1).toUInt64().value_or(0), quint64(2));
        QCOMPARE(dictAt(*inv, 3).value(s("caller")).toUInt64().value_or(0), caller->sessionId());
        QCOMPARE(dictAt(*inv, 3).value(s("caller_authrole")), Value(s("anonymous")));
        QCOMPARE(inv->size(), 4);
        callee->send(Message::yield(inv->requestId(), {}));
        res = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->size(), 3);

        // Callee error: URI, args and kwargs intact.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.add"), {1}));
        inv = callee->waitFor(MessageType::Invocation);
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {{s("ignored"), 1}}, s("com.myapp.error.bad"),
                                    {1, s("x")}, {{s("why"), s("because")}}));
        auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Call)));
        QCOMPARE(err->uri(), s("com.myapp.error.bad"));
        QCOMPARE(err->args(), (List{1, s("x")}));
        QCOMPARE(err->kwargs(), (Dict{{s("why"), s("because")}}));

        // Late YIELD for a finished invocation: discarded, not a violation.
        callee->send(Message::yield(inv->requestId(), {}, {99}));

        // no_such_procedure, invalid_uri, procedure_already_exists, reserved namespace.
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.nothing")));
        err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::noSuchProcedure);
        QCOMPARE(err->args(), (List{s("no callee registered for procedure 'com.nothing'")}));
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com. bad")));
        err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::invalidUri);
        QVERIFY(err->args().value(0).toString().contains(s("whitespace")));
        err = caller->register_(s("com.add"));
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->at(1), Value(int(MessageType::Register)));
        QCOMPARE(err->uri(), uris::procedureAlreadyExists);
        err = callee->register_(s("com.add"));
        QCOMPARE(err->uri(), uris::procedureAlreadyExists);
        QCOMPARE(caller->register_(s("com.add"), {{s("match"), s("prefix")}})->type(), MessageType::Registered);
        QCOMPARE(caller->register_(s("wamp.my.proc"))->uri(), uris::invalidUri);
        QCOMPARE(caller->register_(s("com..proc"))->uri(), uris::invalidUri);
        QCOMPARE(caller->register_(s("com.x"), {{s("match"), 1}})->uri(), uris::invalidArgument);

        // UNREGISTER; afterwards the exact procedure is gone (the prefix registration takes the call).
        req = callee->nextRequestId();
        callee->send(Message::unregister(req, regId));
        QCOMPARE(callee->waitReply(req, {MessageType::Unregistered})->type(), MessageType::Unregistered);
        req = callee->nextRequestId();
        callee->send(Message::unregister(req, regId));
        err = callee->waitReply(req, {MessageType::Unregistered});
        QCOMPARE(err->uri(), uris::noSuchRegistration);
        QVERIFY(!callee->isClosed());
        QVERIFY(!caller->isClosed());
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(0));
    }

    void registrationPrecedence()
    {
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("rs"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QHash<QString, quint64> regs;
        const QList<std::pair<QString, QString>> patterns = {
            {s("a1.b2.c3"), s("exact")},        {s("a1.b2"), s("prefix")},        {s("a1"), s("prefix")},
            {s("a1.b2.c33..e5"), s("wildcard")}, {s("a1.b2..d4.e5"), s("wildcard")}, {s("x..z"), s("wildcard")},
        };
        for (const auto &[uri, match] : patterns) {
            const auto r = callee->register_(uri, {{s("match"), match}});
            QCOMPARE(r->type(), MessageType::Registered);
            regs.insert(uri, r->at(2).toUInt64().value_or(0));
        }
        auto route = [&](const QString &procedure) -> std::pair<quint64, QString> {
            const quint64 req = caller->nextRequestId();
            caller->send(Message::call(req, {}, procedure));
            const auto inv = callee->waitFor(MessageType::Invocation);
            if (!inv)
                return {0, QString()};
            callee->send(Message::yield(inv->requestId(), {}));
            caller->waitReply(req, {MessageType::Result});
            return {inv->at(2).toUInt64().value_or(0), dictAt(*inv, 3).value(s("procedure")).toString()};
        };
        QCOMPARE(route(s("a1.b2.c3")), std::make_pair(regs.value(s("a1.b2.c3")), QString()));
        QCOMPARE(route(s("a1.b2.c4")), std::make_pair(regs.value(s("a1.b2")), s("a1.b2.c4")));
        QCOMPARE(route(s("a1.b3")), std::make_pair(regs.value(s("a1")), s("a1.b3")));
        QCOMPARE(route(s("x.y.z")), std::make_pair(regs.value(s("x..z")), s("x.y.z")));
        // Wildcards only: remove the prefixes by using another root.
        const auto r1 = callee->register_(s("q.b2.c33..e5"), {{s("match"), s("wildcard")}});
        const auto r2 = callee->register_(s("q.b2..d4.e5"), {{s("match"), s("wildcard")}});
        QCOMPARE(route(s("q.b2.c33.d4.e5")).first, r1->at(2).toUInt64().value_or(0));
        QCOMPARE(route(s("q.b2.c34.d4.e5")).first, r2->at(2).toUInt64().value_or(0));
    }

    void calleeLeavesMidCall_data() { RouterHarness::addTransportRows(); }
    void calleeLeavesMidCall()
    {
        QFETCH(QString, kind);
        FakePeer *callee = m_h.joined(kind);
        FakePeer *caller = m_h.joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.slow"), {1}));
        QVERIFY(callee->waitFor(MessageType::Invocation));
        callee->abortTransport();
        const auto err = caller->waitReply(req, {MessageType::Result});
        QVERIFY(err);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::canceled);
        QCOMPARE(err->args(), (List{s("callee left before answering")}));
        // The registration went with the callee: another session can register the procedure.
        FakePeer *other = m_h.joined(kind);
        QVERIFY(other);
        QCOMPARE(other->register_(s("com.slow"))->type(), MessageType::Registered);
        QTRY_COMPARE(m_h.router()->sessionCount(), 2);
    }

    void callerLeavesMidCall_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("calleeCancels");
        QTest::newRow("ws-canceling-callee") << s("ws") << true;
        QTest::newRow("ws-plain-callee") << s("ws") << false;
        QTest::newRow("rs-canceling-callee") << s("rs") << true;
        QTest::newRow("rs-plain-callee") << s("rs") << false;
    }
    void callerLeavesMidCall()
    {
        QFETCH(QString, kind);
        QFETCH(bool, calleeCancels);
        const Dict plainRoles{{s("roles"), Dict{{s("callee"), Dict()}, {s("caller"), Dict()}}}};
        FakePeer *callee = m_h.joined(kind, SerializerId::Json, calleeCancels ? Dict() : plainRoles);
        FakePeer *caller = m_h.joined(kind);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        caller->send(Message::call(caller->nextRequestId(), {{s("receive_progress"), true}}, s("com.slow")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        // receive_progress is passed on only to a callee that announced progressive_call_results.
        QCOMPARE(dictAt(*inv, 3).value(s("receive_progress")).toBool(), calleeCancels);
        caller->abortTransport();
        QTRY_COMPARE(m_h.router()->sessionCount(), 1);
        if (calleeCancels) {
            const auto intr = callee->waitFor(MessageType::Interrupt);
            QVERIFY(intr);
            QCOMPARE(intr->requestId(), inv->requestId());
            QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(s("killnowait")));
        }
        // The late YIELD is discarded, and the callee keeps being served.
        callee->send(Message::yield(inv->requestId(), {}, {1}));
        checkStillServing(callee);
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
        QVERIFY(!callee->isClosed());
    }

    void cancel_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("calleeCancels");
        QTest::newRow("skip") << s("skip") << true;
        QTest::newRow("killnowait") << s("killnowait") << true;
        QTest::newRow("kill") << s("kill") << true;
        QTest::newRow("no-mode") << QString() << true;
        QTest::newRow("kill-plain-callee") << s("kill") << false;
    }
    void cancel()
    {
        QFETCH(QString, mode);
        QFETCH(bool, calleeCancels);
        const Dict plainRoles{{s("roles"), Dict{{s("callee"), Dict()}}}};
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, calleeCancels ? Dict() : plainRoles);
        FakePeer *caller = m_h.joined(s("rs"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.slow")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        caller->send(Message::cancel(req, mode.isEmpty() ? Dict() : Dict{{s("mode"), mode}}));
        const QString effective = !calleeCancels ? s("skip") : mode.isEmpty() ? s("killnowait") : mode;
        if (effective != u"skip") {
            const auto intr = callee->waitFor(MessageType::Interrupt);
            QVERIFY(intr);
            QCOMPARE(intr->requestId(), inv->requestId());
            QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(effective));
        }
        if (effective == u"kill") {
            // The callee's answer is the caller's answer.
            // Barrier: the router handled the CANCEL before the barrier's CALL, so an answer it sent would be here.
            QVERIFY(caller->barrier());
            QVERIFY(!caller->waitReply(req, {MessageType::Result}, 0));
            callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, uris::canceled, {s("stopped")}));
        }
        const auto err = caller->waitReply(req, {MessageType::Result});
        QVERIFY(err);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::canceled);
        // Late answers are discarded; a repeated CANCEL is ignored.
        callee->send(Message::yield(inv->requestId(), {}, {1}));
        caller->send(Message::cancel(req, {{s("mode"), s("kill")}}));
        checkStillServing(caller);
        checkStillServing(callee);
        QCOMPARE(caller->pending(MessageType::Result), 0);
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
    }

    void progressiveResults()
    {
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("rs"), SerializerId::MsgPack);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.stream"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("receive_progress"), true}}, s("com.stream")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("receive_progress")), Value(true));
        for (int i = 0; i < 3; ++i)
            callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {i}));
        callee->send(Message::yield(inv->requestId(), {}, {s("done")}));
        for (int i = 0; i < 3; ++i) {
            const auto r = caller->waitReply(req, {MessageType::Result});
            QVERIFY(r);
            QCOMPARE(dictAt(*r, 2).value(s("progress")), Value(true));
            QCOMPARE(r->args(), (List{i}));
        }
        const auto fin = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(dictAt(*fin, 2), Dict());
        QCOMPARE(fin->args(), (List{s("done")}));
    }

    void transcoding_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<SerializerId>("callerSer");
        QTest::addColumn<SerializerId>("calleeSer");
        for (const QString &kind : {s("ws"), s("rs")}) {
            QTest::addRow("%s-json-msgpack", qPrintable(kind)) << kind << SerializerId::Json << SerializerId::MsgPack;
            QTest::addRow("%s-json-cbor", qPrintable(kind)) << kind << SerializerId::Json << SerializerId::Cbor;
            QTest::addRow("%s-msgpack-json", qPrintable(kind)) << kind << SerializerId::MsgPack << SerializerId::Json;
            QTest::addRow("%s-cbor-json", qPrintable(kind)) << kind << SerializerId::Cbor << SerializerId::Json;
            QTest::addRow("%s-msgpack-cbor", qPrintable(kind)) << kind << SerializerId::MsgPack << SerializerId::Cbor;
        }
    }
    void transcoding()
    {
        QFETCH(QString, kind);
        QFETCH(SerializerId, callerSer);
        QFETCH(SerializerId, calleeSer);
        FakePeer *callee = m_h.joined(kind, calleeSer);
        FakePeer *caller = m_h.joined(kind == u"ws" ? s("rs") : s("ws"), callerSer);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.echo"))->type(), MessageType::Registered);
        const QByteArray blob("\x00\xff\x10\x80 bytes\x00", 11);
        const List args{Value::bytes(blob), bigInt(), Value(qint64(-1)), s("ünïcødé ✓"), 1.5, true, Value(), List{Value::bytes(QByteArray())}};
        const Dict kwargs{{s("bin"), Value::bytes(blob)}, {s("max"), bigInt()}};
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.echo"), args, kwargs));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->args(), args);
        QCOMPARE(inv->kwargs(), kwargs);
        QVERIFY(inv->args().at(0).isBytes());
        QVERIFY(inv->args().at(1).isInteger());
        callee->send(Message::yield(inv->requestId(), {}, inv->args(), inv->kwargs()));
        const auto res = caller->waitReply(req, {MessageType::Result});
        QVERIFY(res);
        QCOMPARE(res->type(), MessageType::Result);
        QCOMPARE(res->args(), args);
        QCOMPARE(res->kwargs(), kwargs);
    }

};

QTEST_GUILESS_MAIN(TstRouterRpc)
#include "tst_router_rpc.moc"
