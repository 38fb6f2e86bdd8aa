// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in dealer in process: call timeout (wamp-notes §11.3): enforced by the router, cancelled by the answer,
// bounding the gap between progressive results, forwarded to a callee that enforces it, invalid values.

#include "dealertestsupport.h"

#include "router/router.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::dealertests;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstDealerTimeout : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init() { QVERIFY2(m_h.start(dealerConfig()), qPrintable(m_h.error())); }

    void cleanup() { m_h.reset(); }

    // ------------------------------------------------------------------ call timeout (§11.3)

    void callTimeout_data()
    {
        QTest::addColumn<bool>("calleeCancels");
        QTest::newRow("canceling-callee") << true;
        QTest::newRow("plain-callee") << false;
    }
    void callTimeout()
    {
        QFETCH(bool, calleeCancels);
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, calleeCancels ? Dict() : roles(Dict(), Dict()));
        FakePeer *caller = m_h.joined(s("rs"), SerializerId::MsgPack);
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.slow"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        QElapsedTimer clock;
        clock.start();
        caller->send(Message::call(req, {{s("timeout"), 300}}, s("com.slow"), {1}));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QVERIFY(!dictAt(*inv, 3).contains(s("timeout"))); // router-enforced: not forwarded
        const auto err = caller->waitReply(req, {MessageType::Result});
        QVERIFY(err);
        QVERIFY(clock.elapsed() >= 290);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::timeout);
        if (calleeCancels) {
            const auto intr = callee->waitFor(MessageType::Interrupt);
            QVERIFY(intr);
            QCOMPARE(intr->requestId(), inv->requestId());
            QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(s("killnowait")));
            QCOMPARE(dictAt(*intr, 2).value(s("reason")), Value(uris::timeout));
        }
        // The late YIELD is discarded; nothing else reaches the caller; no INTERRUPT to a plain callee.
        callee->send(Message::yield(inv->requestId(), {}, {2}));
        checkAlive(callee);
        checkAlive(caller);
        QCOMPARE(caller->pending(MessageType::Result), 0);
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(0));
    }

    void callTimeoutNotHitWhenAnswered()
    {
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.fast"))->type(), MessageType::Registered);
        // timeout 0 means none; a quick answer beats a running timeout, and the timer does not fire later.
        for (const int timeout : {0, 200}) {
            const quint64 req = caller->nextRequestId();
            caller->send(Message::call(req, {{s("timeout"), timeout}}, s("com.fast")));
            const auto inv = callee->waitFor(MessageType::Invocation);
            QVERIFY(inv);
            callee->send(Message::yield(inv->requestId(), {}, {timeout}));
            const auto res = caller->waitReply(req, {MessageType::Result});
            QCOMPARE(res->type(), MessageType::Result);
        }
        // The 200 ms timer would be due long before a later 400 ms one: once that one has fired, nothing came of it.
        FakePeer *clock = m_h.joined(s("ws"));
        QVERIFY2(clock, qPrintable(m_h.error()));
        QVERIFY(routerClockPassed(caller, clock, 400));
        QCOMPARE(caller->pending(MessageType::Error), 0);
        QVERIFY(callee->barrier());
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
    }

    void callTimeoutBoundsGapBetweenProgressiveResults()
    {
        // wamp-notes §11.1: with progress, the timeout limits the time to the first result and between results.
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.stream"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), 2000}, {s("receive_progress"), true}}, s("com.stream")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        for (int i = 0; i < 3; ++i) {
            // The callee working: each 600 ms gap is far below the 2 s timeout (room for a loaded machine), the
            // four gaps together (2.4 s) above it.
            QTest::qWait(600);
            callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {i}));
            const auto r = caller->waitReply(req, {MessageType::Result});
            QVERIFY(r && r->type() == MessageType::Result);
            QCOMPARE(dictAt(*r, 2).value(s("progress")), Value(true));
        }
        QTest::qWait(600);
        callee->send(Message::yield(inv->requestId(), {}, {s("done")}));
        const auto fin = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(fin->type(), MessageType::Result);
        QCOMPARE(fin->args(), (List{s("done")}));
        // Then silence: the next gap does time out.
        const quint64 req2 = caller->nextRequestId();
        caller->send(Message::call(req2, {{s("timeout"), 300}, {s("receive_progress"), true}}, s("com.stream")));
        const auto inv2 = callee->waitFor(MessageType::Invocation);
        callee->send(Message::yield(inv2->requestId(), {{s("progress"), true}}, {0}));
        QCOMPARE(caller->waitReply(req2, {MessageType::Result})->type(), MessageType::Result);
        QCOMPARE(caller->waitReply(req2, {MessageType::Result})->uri(), uris::timeout);
    }

    void callTimeoutForwarded()
    {
        // A callee that announced call_timeout and asked forward_timeout enforces it itself.
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.self"), {{s("forward_timeout"), true}})->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), 100}}, s("com.self")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("timeout")), Value(100));
        // The router does not time it out: a later 300 ms router timer fires first and nothing came before it.
        FakePeer *clock = m_h.joined(s("ws"));
        QVERIFY2(clock, qPrintable(m_h.error()));
        QVERIFY(routerClockPassed(caller, clock, 300));
        QVERIFY(!caller->waitReply(req, {MessageType::Result}, 0));
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, uris::timeout, {s("too slow")}));
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::timeout);
        QCOMPARE(err->args(), (List{s("too slow")}));
    }

    void callTimeoutToldAndEnforced()
    {
        // A callee that announced call_timeout learns the deadline; without forward_timeout the router still enforces it.
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.told"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), 150}}, s("com.told")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("timeout")), Value(150));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::timeout);
        QCOMPARE(callee->waitFor(MessageType::Interrupt)->requestId(), inv->requestId());
    }

    void callTimeoutInvalid_data()
    {
        QTest::addColumn<Value>("timeout");
        QTest::newRow("string") << Value(s("soon"));
        QTest::newRow("negative") << Value(-5);
        QTest::newRow("list") << Value(List{1});
    }
    void callTimeoutInvalid()
    {
        QFETCH(Value, timeout);
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.p"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), timeout}}, s("com.p")));
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::invalidArgument);
        QVERIFY(err->args().value(0).toString().contains(s("timeout")));
        QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        checkAlive(caller);
    }
};

QTEST_GUILESS_MAIN(TstDealerTimeout)
#include "tst_dealer_timeout.moc"
