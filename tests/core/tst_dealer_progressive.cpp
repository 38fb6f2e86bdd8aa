// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in dealer in process: progressive call invocations (wamp-notes §11.2), progressive results without
// call canceling, and CANCEL kill during progressive results.

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

class TstDealerProgressive : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init() { QVERIFY2(m_h.start(dealerConfig()), qPrintable(m_h.error())); }

    void cleanup() { m_h.reset(); }

    // ------------------------------------------------------------------ progressive call invocations (§11.2)

    void progressiveInvocations()
    {
        // Two callees on a roundrobin registration: all chunks stick to the callee chosen for the first one.
        FakePeer *c0 = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        FakePeer *c1 = m_h.joined(s("rs"), SerializerId::Cbor, streamingRoles());
        FakePeer *caller = m_h.joined(s("rs"), SerializerId::MsgPack, streamingRoles());
        QVERIFY2(c0 && c1 && caller, qPrintable(m_h.error()));
        QCOMPARE(c0->register_(s("com.upload"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        QCOMPARE(c1->register_(s("com.upload"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        QCOMPARE(routeCall(caller, {c0, c1}, s("com.upload")), 0); // the next call goes to c1

        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("progress"), true}, {s("receive_progress"), true}}, s("com.upload"), {s("chunk0")}));
        const auto first = c1->waitFor(MessageType::Invocation);
        QVERIFY(first);
        QCOMPARE(dictAt(*first, 3).value(s("progress")), Value(true));
        QCOMPARE(dictAt(*first, 3).value(s("receive_progress")), Value(true));
        QCOMPARE(first->args(), (List{s("chunk0")}));
        for (int i = 1; i <= 3; ++i) {
            caller->send(Message::call(req, {{s("progress"), true}}, s("com.upload"), {s("chunk%1").arg(i)}));
            const auto chunk = c1->waitFor(MessageType::Invocation);
            QVERIFY(chunk);
            QCOMPARE(chunk->requestId(), first->requestId()); // one INVOCATION request ID for the whole stream
            QCOMPARE(idAt(*chunk, 2), idAt(*first, 2));
            QCOMPARE(dictAt(*chunk, 3), (Dict{{s("progress"), true}}));
            QCOMPARE(chunk->args(), (List{s("chunk%1").arg(i)}));
            // Full duplex: a progressive result in between.
            c1->send(Message::yield(first->requestId(), {{s("progress"), true}}, {i}));
            const auto r = caller->waitReply(req, {MessageType::Result});
            QCOMPARE(dictAt(*r, 2).value(s("progress")), Value(true));
            QCOMPARE(r->args(), (List{i}));
        }
        caller->send(Message::call(req, {}, s("com.upload"), {s("last")}));
        const auto last = c1->waitFor(MessageType::Invocation);
        QVERIFY(last);
        QCOMPARE(last->requestId(), first->requestId());
        QCOMPARE(dictAt(*last, 3), Dict());
        QCOMPARE(last->args(), (List{s("last")}));
        c1->send(Message::yield(first->requestId(), {}, {s("stored")}));
        const auto fin = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(dictAt(*fin, 2), Dict());
        QCOMPARE(fin->args(), (List{s("stored")}));
        QVERIFY(c0->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(c0->pending(MessageType::Invocation), 0);
        checkAlive(caller);
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(0));
    }

    void progressiveInvocationEndedByCallee()
    {
        // The callee answers before the input ends: later chunks with that request ID are silently discarded.
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        FakePeer *caller = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.upload"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("progress"), true}}, s("com.upload"), {0}));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, s("com.error.full")));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), s("com.error.full"));
        caller->send(Message::call(req, {{s("progress"), true}}, s("com.upload"), {1}));
        caller->send(Message::call(req, {}, s("com.upload"), {2}));
        checkAlive(caller);
        QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        QCOMPARE(caller->pending(MessageType::Error), 0);
        QVERIFY(!caller->isClosed());
        // Canceling a stream mid-way: the callee gets INTERRUPT, later chunks are discarded.
        const quint64 req2 = caller->nextRequestId();
        caller->send(Message::call(req2, {{s("progress"), true}}, s("com.upload"), {0}));
        const auto inv2 = callee->waitFor(MessageType::Invocation);
        caller->send(Message::cancel(req2, {{s("mode"), s("killnowait")}}));
        QCOMPARE(caller->waitReply(req2, {MessageType::Result})->uri(), uris::canceled);
        QCOMPARE(callee->waitFor(MessageType::Interrupt)->requestId(), inv2->requestId());
        caller->send(Message::call(req2, {}, s("com.upload"), {1}));
        checkAlive(caller);
        QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(0));
    }

    void lateChunksDoNotCountAsPendingCalls()
    {
        // Chunks the dealer drops (their call has ended) must not stay in the caller's max_pending_calls count.
        QVERIFY2(m_h.start(dealerConfig(s("on_request"), 2)), qPrintable(m_h.error()));
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        FakePeer *caller = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.upload"))->type(), MessageType::Registered);
        for (int round = 0; round < 4; ++round) {
            const quint64 req = caller->nextRequestId();
            caller->send(Message::call(req, {{s("progress"), true}}, s("com.upload"), {0}));
            const auto inv = callee->waitFor(MessageType::Invocation);
            QVERIFY(inv);
            callee->send(Message::yield(inv->requestId(), {}));
            QCOMPARE(caller->waitReply(req, {MessageType::Result})->type(), MessageType::Result);
            caller->send(Message::call(req, {}, s("com.upload"), {1})); // late: dropped by the dealer
        }
        // With the leak, the 4 dropped chunks would fill the cap of 2 and this call would get limit_exceeded.
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.upload"), {2}));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        callee->send(Message::yield(inv->requestId(), {}));
        const auto reply = caller->waitReply(req, {MessageType::Result});
        QVERIFY(reply);
        QCOMPARE(reply->type(), MessageType::Result);
    }

    void progressiveInvocationUnsupported()
    {
        // Callee without the feature: feature_not_supported, and the rest of the stream is discarded.
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"), SerializerId::Json, streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.plain"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("progress"), true}}, s("com.plain"), {0}));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::featureNotSupported);
        caller->send(Message::call(req, {}, s("com.plain"), {1}));
        checkAlive(caller);
        QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        QCOMPARE(caller->pending(MessageType::Error), 0);

        // A caller that did not announce the feature and sends progress=true breaks the protocol.
        FakePeer *rogue = m_h.joined(s("ws"));
        QVERIFY(rogue);
        rogue->send(Message::call(rogue->nextRequestId(), {{s("progress"), true}}, s("com.plain")));
        const auto abort = rogue->waitFor(MessageType::Abort);
        QVERIFY(abort);
        QCOMPARE(abort->uri(), uris::protocolViolation);
        QVERIFY(dictAt(*abort, 1).value(s("message")).toString().contains(s("progressive_call_invocations")));
        QVERIFY(rogue->waitClosed());
        checkAlive(caller);
    }

    void progressiveResultsWithoutCanceling()
    {
        // Like Crossbar: a callee with progressive_call_results but without call_canceling (Autobahn|JS 22) still gets
        // receive_progress, but never an INTERRUPT (a CANCEL falls back to skip).
        FakePeer *callee = m_h.joined(s("ws"), SerializerId::Json, roles(Dict(), features({"progressive_call_results"})));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.p"))->type(), MessageType::Registered);
        quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("receive_progress"), true}}, s("com.p")));
        auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("receive_progress")), Value(true));
        callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {1}));
        callee->send(Message::yield(inv->requestId(), {}, {2}));
        QCOMPARE(dictAt(*caller->waitReply(req, {MessageType::Result}), 2).value(s("progress")), Value(true));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->args(), (List{2}));
        req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("receive_progress"), true}}, s("com.p")));
        inv = callee->waitFor(MessageType::Invocation);
        caller->send(Message::cancel(req, {{s("mode"), s("killnowait")}}));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::canceled);
        checkAlive(caller);
        QVERIFY(callee->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
    }

    // ------------------------------------------------------------------ cancel with a progressive call

    void cancelKillDuringProgressiveResults()
    {
        // kill: the caller keeps receiving until the callee's final answer (wamp-notes §11.4).
        FakePeer *callee = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(callee && caller, qPrintable(m_h.error()));
        QCOMPARE(callee->register_(s("com.stream"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("receive_progress"), true}}, s("com.stream")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        caller->send(Message::cancel(req, {{s("mode"), s("kill")}}));
        const auto intr = callee->waitFor(MessageType::Interrupt);
        QCOMPARE(dictAt(*intr, 2).value(s("mode")), Value(s("kill")));
        QCOMPARE(dictAt(*intr, 2).value(s("reason")), Value(uris::canceled));
        callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {1}));
        QCOMPARE(dictAt(*caller->waitReply(req, {MessageType::Result}), 2).value(s("progress")), Value(true));
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, uris::canceled));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::canceled);
    }
};

QTEST_GUILESS_MAIN(TstDealerProgressive)
#include "tst_dealer_progressive.moc"
