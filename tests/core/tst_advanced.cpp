// SPDX-License-Identifier: GPL-3.0-or-later
// In-process tests of the built-in router's Advanced Profile RPC (shared registrations, call timeout, progressive
// call invocations, caller disclosure policy, cancel and feature gating) and the PubSub black/white lists, with a
// Router on 127.0.0.1 port 0 and scripted fake peers (wamp-notes §11, §12).

#include "fakes/fakepeer.h"

#include "router/router.h"
#include "session/session.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;

namespace {

QString s(const char *t) { return QString::fromUtf8(t); }
const QString kRealm = QStringLiteral("realm1");
const QString kDifferentPolicy = QStringLiteral("wamp.error.procedure_exists_with_different_invocation_policy");

Dict dictAt(const Message &m, int pos) { return m.at(pos).toDict(); }
quint64 idAt(const Message &m, int pos) { return m.at(pos).toUInt64().value_or(0); }

Dict features(std::initializer_list<const char *> names)
{
    Dict f;
    for (const char *n : names)
        f.insert(QString::fromUtf8(n), true);
    return Dict{{s("features"), f}};
}

/// HELLO details with explicit roles (FakePeer's defaults lack progressive_call_invocations and call_timeout).
Dict roles(const Dict &caller, const Dict &callee)
{
    return Dict{{s("roles"), Dict{{s("caller"), caller}, {s("callee"), callee}, {s("publisher"), Dict()}}}};
}

Dict streamingRoles()
{
    return roles(features({"progressive_call_results", "progressive_call_invocations", "call_canceling", "call_timeout"}),
                 features({"progressive_call_results", "progressive_call_invocations", "call_canceling", "call_timeout"}));
}

} // namespace

class TstAdvanced : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Router> m_router;
    std::vector<std::unique_ptr<FakePeer>> m_peers;
    QString m_error;

    bool startRouter(const QString &discloseCaller = s("on_request"), int maxPendingCalls = 1000)
    {
        m_peers.clear();
        RouterConfig c;
        c.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}, router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))}};
        router::RealmConfig realm{kRealm};
        realm.discloseCaller = discloseCaller;
        c.realms = {realm};
        router::UserConfig alice;
        alice.authid = s("alice");
        alice.authmethod = s("ticket");
        alice.secret = s("s3cret");
        alice.authrole = s("admin");
        c.users = {alice};
        c.maxPendingCalls = maxPendingCalls;
        m_router = std::make_unique<Router>(c);
        const Status st = m_router->start();
        m_error = st.errorString();
        return st.ok();
    }

    QUrl url(const QString &scheme) const
    {
        for (const QUrl &u : m_router->listeningUrls())
            if (u.scheme() == scheme)
                return u;
        return {};
    }

    FakePeer *joined(Dict details = {}, const QString &scheme = s("ws"), SerializerId ser = SerializerId::Json)
    {
        auto p = std::make_unique<FakePeer>();
        if (!p->connectTo(url(scheme), ser)) {
            m_error = p->errorString();
            return nullptr;
        }
        if (!p->join(kRealm, std::move(details))) {
            m_error = p->errorString();
            return nullptr;
        }
        m_peers.push_back(std::move(p));
        return m_peers.back().get();
    }

    /// CALL \a procedure; the callee among \a callees that gets the INVOCATION answers; returns its index (-1: none).
    int routeCall(FakePeer *caller, const QList<FakePeer *> &callees, const QString &procedure)
    {
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, procedure));
        QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired()) {
            for (int i = 0; i < callees.size(); ++i) {
                if (callees.at(i)->pending(MessageType::Invocation) > 0) {
                    const auto inv = callees.at(i)->waitFor(MessageType::Invocation, 0);
                    callees.at(i)->send(Message::yield(inv->requestId(), {}, {i}));
                    const auto res = caller->waitReply(req, {MessageType::Result});
                    return res && res->type() == MessageType::Result && res->args() == List{i} ? i : -1;
                }
            }
            QTest::qWait(5);
        }
        return -1;
    }

    /// alice (ticket, authrole admin); returns the peer and sets \a sessionId.
    FakePeer *joinedAsAlice(quint64 &sessionId, SerializerId ser = SerializerId::Json)
    {
        sessionId = 0;
        auto p = std::make_unique<FakePeer>();
        if (!p->connectTo(url(s("rs")), ser))
            return nullptr;
        const auto ch = p->hello(kRealm, {{s("authmethods"), List{s("ticket")}}, {s("authid"), s("alice")}});
        if (!ch || ch->type() != MessageType::Challenge)
            return nullptr;
        p->send(Message::authenticate(s("s3cret"), {}));
        const auto w = p->waitFor(MessageType::Welcome);
        if (!w)
            return nullptr;
        sessionId = idAt(*w, 1);
        m_peers.push_back(std::move(p));
        return m_peers.back().get();
    }

    /// A client Session (the product's) joined to realm1 over \a scheme, or nullptr.
    std::unique_ptr<session::Session> clientSession(const QString &scheme = s("ws"), SerializerId ser = SerializerId::Json)
    {
        auto sess = std::make_unique<session::Session>();
        QSignalSpy joined(sess.get(), &session::Session::joined);
        QSignalSpy left(sess.get(), &session::Session::left);
        transport::ConnectOptions c;
        c.url = url(scheme);
        c.serializer = ser;
        sess->open(c, {});
        if (!QTest::qWaitFor([&] { return !joined.isEmpty() || !left.isEmpty(); }, 5000) || joined.isEmpty())
            return nullptr;
        return sess;
    }

    static void checkAlive(FakePeer *p)
    {
        const quint64 req = p->nextRequestId();
        p->send(Message::publish(req, {{s("acknowledge"), true}}, s("com.still.alive")));
        const auto reply = p->waitReply(req, {MessageType::Published});
        QVERIFY(reply);
        QCOMPARE(reply->type(), MessageType::Published);
    }

private slots:
    void init() { QVERIFY2(startRouter(), qPrintable(m_error)); }

    void cleanup()
    {
        m_peers.clear();
        m_router.reset();
    }

    void welcomeAnnouncesFeatures()
    {
        auto p = std::make_unique<FakePeer>();
        QVERIFY(p->connectTo(url(s("rs")), SerializerId::MsgPack));
        const auto w = p->hello(kRealm);
        QVERIFY(w && w->type() == MessageType::Welcome);
        const Dict dealer = Value(dictAt(*w, 2))[s("roles")][s("dealer")][s("features")].toDict();
        for (const char *f : {"shared_registration", "call_timeout", "progressive_call_invocations", "progressive_call_results",
                              "call_canceling", "caller_identification", "pattern_based_registration"})
            QVERIFY2(dealer.value(QString::fromUtf8(f)) == Value(true), f);
    }

    // ------------------------------------------------------------------ shared registrations (§11.7)

    void sharedRegistration_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::newRow("roundrobin") << s("roundrobin");
        QTest::newRow("random") << s("random");
        QTest::newRow("first") << s("first");
        QTest::newRow("last") << s("last");
    }
    void sharedRegistration()
    {
        QFETCH(QString, policy);
        FakePeer *c0 = joined();
        FakePeer *c1 = joined({}, s("rs"), SerializerId::MsgPack);
        FakePeer *c2 = joined({}, s("ws"), SerializerId::Cbor);
        FakePeer *caller = joined();
        QVERIFY2(c0 && c1 && c2 && caller, qPrintable(m_error));
        QList<FakePeer *> callees{c0, c1, c2};
        quint64 regId = 0;
        for (FakePeer *c : callees) {
            const auto r = c->register_(s("com.shared"), {{s("invoke"), policy}});
            QVERIFY(r);
            QCOMPARE(r->type(), MessageType::Registered);
            if (!regId)
                regId = idAt(*r, 2);
            QCOMPARE(idAt(*r, 2), regId); // every callee shares one registration ID
        }
        QList<int> got;
        const int calls = policy == u"random" ? 60 : 6;
        for (int i = 0; i < calls; ++i)
            got.append(routeCall(caller, callees, s("com.shared")));
        QVERIFY(!got.contains(-1));
        if (policy == u"roundrobin")
            QCOMPARE(got, (QList<int>{0, 1, 2, 0, 1, 2}));
        else if (policy == u"first")
            QCOMPARE(got, (QList<int>{0, 0, 0, 0, 0, 0}));
        else if (policy == u"last")
            QCOMPARE(got, (QList<int>{2, 2, 2, 2, 2, 2}));
        else // uniform: missing one of three in 60 draws has probability ~1e-10
            QVERIFY(got.contains(0) && got.contains(1) && got.contains(2));

        // A callee leaving is removed from the list; the others keep serving.
        const int leaving = policy == u"last" ? 2 : 0;
        callees.at(leaving)->goodbye();
        QVERIFY(callees.at(leaving)->waitFor(MessageType::Goodbye));
        QTRY_COMPARE(m_router->sessionCount(), 3);
        QList<FakePeer *> rest = callees;
        rest.removeAt(leaving);
        got.clear();
        for (int i = 0; i < 4; ++i)
            got.append(routeCall(caller, rest, s("com.shared")));
        QVERIFY(!got.contains(-1));
        if (policy == u"roundrobin")
            QVERIFY(got == (QList<int>{0, 1, 0, 1}) || got == (QList<int>{1, 0, 1, 0}));
        else if (policy == u"first")
            QCOMPARE(got, (QList<int>{0, 0, 0, 0})); // c1 is now the oldest
        else if (policy == u"last")
            QCOMPARE(got, (QList<int>{1, 1, 1, 1})); // c1 is now the newest

        // UNREGISTER of one callee keeps the registration for the last one; when it leaves too, it is deleted.
        quint64 req = rest.at(0)->nextRequestId();
        rest.at(0)->send(Message::unregister(req, regId));
        QCOMPARE(rest.at(0)->waitReply(req, {MessageType::Unregistered})->type(), MessageType::Unregistered);
        QCOMPARE(routeCall(caller, {rest.at(1)}, s("com.shared")), 0);
        req = rest.at(1)->nextRequestId();
        rest.at(1)->send(Message::unregister(req, regId));
        QCOMPARE(rest.at(1)->waitReply(req, {MessageType::Unregistered})->type(), MessageType::Unregistered);
        req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.shared")));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::noSuchProcedure);
        // Gone entirely: a new registrant may pick another policy and gets a new ID.
        const auto again = caller->register_(s("com.shared"));
        QCOMPARE(again->type(), MessageType::Registered);
        QVERIFY(idAt(*again, 2) != regId);
        QCOMPARE(m_router->stats().protocolViolations, quint64(0));
    }

    void sharedRegistrationConflicts()
    {
        FakePeer *a = joined();
        FakePeer *b = joined();
        QVERIFY2(a && b, qPrintable(m_error));
        // single (default) admits nobody else.
        QCOMPARE(a->register_(s("com.single"))->type(), MessageType::Registered);
        QCOMPARE(b->register_(s("com.single"))->uri(), uris::procedureAlreadyExists);
        QCOMPARE(b->register_(s("com.single"), {{s("invoke"), s("roundrobin")}})->uri(), uris::procedureAlreadyExists);
        // The first registrant fixes the policy: a different one (also the default single) is refused as Crossbar does.
        QCOMPARE(a->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        QCOMPARE(b->register_(s("com.rr"), {{s("invoke"), s("random")}})->uri(), kDifferentPolicy);
        QCOMPARE(b->register_(s("com.rr"))->uri(), kDifferentPolicy);
        QCOMPARE(b->register_(s("com.rr"), {{s("invoke"), s("single")}})->uri(), kDifferentPolicy);
        // The same session twice on one shared registration: already exists.
        QCOMPARE(a->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->uri(), uris::procedureAlreadyExists);
        // (uri, match) is the identity: the same URI as prefix is a separate registration.
        QCOMPARE(b->register_(s("com.rr"), {{s("invoke"), s("random")}, {s("match"), s("prefix")}})->type(),
                 MessageType::Registered);
        // Bad values are refused with a reason; the session stays.
        auto bad = a->register_(s("com.x"), {{s("invoke"), s("fastest")}});
        QCOMPARE(bad->uri(), uris::invalidArgument);
        QVERIFY(bad->args().value(0).toString().contains(s("roundrobin")));
        QCOMPARE(a->register_(s("com.x"), {{s("invoke"), 3}})->uri(), uris::invalidArgument);
        checkAlive(a);
        checkAlive(b);
    }

    void sharedRegistrationCalleeLeavesMidCall()
    {
        FakePeer *c0 = joined();
        FakePeer *c1 = joined();
        FakePeer *caller = joined();
        QVERIFY2(c0 && c1 && caller, qPrintable(m_error));
        QCOMPARE(c0->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        QCOMPARE(c1->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.rr")));
        QVERIFY(c0->waitFor(MessageType::Invocation));
        c0->abortTransport();
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::canceled);
        QTRY_COMPARE(m_router->sessionCount(), 2);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(routeCall(caller, {c1}, s("com.rr")), 0);
    }

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
        FakePeer *callee = joined(calleeCancels ? Dict() : roles(Dict(), Dict()));
        FakePeer *caller = joined({}, s("rs"), SerializerId::MsgPack);
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        QCOMPARE(m_router->stats().protocolViolations, quint64(0));
    }

    void callTimeoutNotHitWhenAnswered()
    {
        FakePeer *callee = joined();
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        QVERIFY(!caller->waitFor(MessageType::Error, 400));
        QVERIFY(!callee->waitFor(MessageType::Interrupt, 10));
    }

    void callTimeoutBoundsGapBetweenProgressiveResults()
    {
        // wamp-notes §11.1: with progress, the timeout limits the time to the first result and between results.
        FakePeer *callee = joined();
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.stream"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), 1500}, {s("receive_progress"), true}}, s("com.stream")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        for (int i = 0; i < 2; ++i) {
            QTest::qWait(1000); // the callee working: each gap is below the timeout, the sum above it
            callee->send(Message::yield(inv->requestId(), {{s("progress"), true}}, {i}));
            const auto r = caller->waitReply(req, {MessageType::Result});
            QVERIFY(r && r->type() == MessageType::Result);
            QCOMPARE(dictAt(*r, 2).value(s("progress")), Value(true));
        }
        QTest::qWait(1000);
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
        FakePeer *callee = joined(streamingRoles());
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.self"), {{s("forward_timeout"), true}})->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), 100}}, s("com.self")));
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("timeout")), Value(100));
        QVERIFY(!caller->waitReply(req, {MessageType::Result}, 400)); // the router does not time it out
        callee->send(Message::error(MessageType::Invocation, inv->requestId(), {}, uris::timeout, {s("too slow")}));
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::timeout);
        QCOMPARE(err->args(), (List{s("too slow")}));
    }

    void callTimeoutToldAndEnforced()
    {
        // A callee that announced call_timeout learns the deadline; without forward_timeout the router still enforces it.
        FakePeer *callee = joined(streamingRoles());
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        FakePeer *callee = joined();
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.p"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("timeout"), timeout}}, s("com.p")));
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::invalidArgument);
        QVERIFY(err->args().value(0).toString().contains(s("timeout")));
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        checkAlive(caller);
    }

    // ------------------------------------------------------------------ progressive call invocations (§11.2)

    void progressiveInvocations()
    {
        // Two callees on a roundrobin registration: all chunks stick to the callee chosen for the first one.
        FakePeer *c0 = joined(streamingRoles());
        FakePeer *c1 = joined(streamingRoles(), s("rs"), SerializerId::Cbor);
        FakePeer *caller = joined(streamingRoles(), s("rs"), SerializerId::MsgPack);
        QVERIFY2(c0 && c1 && caller, qPrintable(m_error));
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
        QCOMPARE(c0->pending(MessageType::Invocation), 0);
        checkAlive(caller);
        QCOMPARE(m_router->stats().protocolViolations, quint64(0));
    }

    void progressiveInvocationEndedByCallee()
    {
        // The callee answers before the input ends: later chunks with that request ID are silently discarded.
        FakePeer *callee = joined(streamingRoles());
        FakePeer *caller = joined(streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        QCOMPARE(m_router->stats().protocolViolations, quint64(0));
    }

    void lateChunksDoNotCountAsPendingCalls()
    {
        // Chunks the dealer drops (their call has ended) must not stay in the caller's max_pending_calls count.
        QVERIFY2(startRouter(s("on_request"), 2), qPrintable(m_error));
        FakePeer *callee = joined(streamingRoles());
        FakePeer *caller = joined(streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        FakePeer *callee = joined();
        FakePeer *caller = joined(streamingRoles());
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.plain"))->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {{s("progress"), true}}, s("com.plain"), {0}));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->uri(), uris::featureNotSupported);
        caller->send(Message::call(req, {}, s("com.plain"), {1}));
        checkAlive(caller);
        QCOMPARE(callee->pending(MessageType::Invocation), 0);
        QCOMPARE(caller->pending(MessageType::Error), 0);

        // A caller that did not announce the feature and sends progress=true breaks the protocol.
        FakePeer *rogue = joined();
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
        FakePeer *callee = joined(roles(Dict(), features({"progressive_call_results"})));
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
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
        QCOMPARE(callee->pending(MessageType::Interrupt), 0);
    }

    // ------------------------------------------------------------------ caller identification (§11.5)

    void callerDisclosure_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<bool>("discloseMe");
        QTest::addColumn<bool>("discloseCaller"); // REGISTER.Options.disclose_caller
        QTest::addColumn<QString>("expected");    // "disclosed", "hidden" or an error URI
        QTest::newRow("on_request-none") << s("on_request") << false << false << s("hidden");
        QTest::newRow("on_request-caller") << s("on_request") << true << false << s("disclosed");
        QTest::newRow("on_request-callee") << s("on_request") << false << true << s("disclosed");
        QTest::newRow("always") << s("always") << false << false << s("disclosed");
        QTest::newRow("never-callee") << s("never") << false << true << s("hidden");
        QTest::newRow("never-caller") << s("never") << true << false << s("wamp.error.option_disallowed.disclose_me");
    }
    void callerDisclosure()
    {
        QFETCH(QString, policy);
        QFETCH(bool, discloseMe);
        QFETCH(bool, discloseCaller);
        QFETCH(QString, expected);
        QVERIFY2(startRouter(policy), qPrintable(m_error));
        FakePeer *callee = joined();
        quint64 callerId = 0;
        FakePeer *caller = joinedAsAlice(callerId);
        QVERIFY2(callee && caller, qPrintable(m_error));
        QCOMPARE(callee->register_(s("com.who"), discloseCaller ? Dict{{s("disclose_caller"), true}} : Dict())->type(),
                 MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, discloseMe ? Dict{{s("disclose_me"), true}} : Dict(), s("com.who")));
        if (expected != u"disclosed" && expected != u"hidden") {
            const auto err = caller->waitReply(req, {MessageType::Result});
            QCOMPARE(err->uri(), expected);
            QCOMPARE(callee->pending(MessageType::Invocation), 0);
            return;
        }
        const auto inv = callee->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        const Dict d = dictAt(*inv, 3);
        if (expected == u"disclosed") {
            QCOMPARE(d.value(s("caller")).toUInt64().value_or(0), callerId);
            QCOMPARE(d.value(s("caller_authid")), Value(s("alice")));
            QCOMPARE(d.value(s("caller_authrole")), Value(s("admin")));
        } else {
            QVERIFY(!d.contains(s("caller")) && !d.contains(s("caller_authid")) && !d.contains(s("caller_authrole")));
        }
        callee->send(Message::yield(inv->requestId(), {}));
        QCOMPARE(caller->waitReply(req, {MessageType::Result})->type(), MessageType::Result);
    }

    void discloseCallerConfig()
    {
        auto ok = RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":"always"}]})");
        QVERIFY2(ok.ok(), qPrintable(ok.errorString()));
        QCOMPARE(ok->realms.at(0).discloseCaller, s("always"));
        QCOMPARE(RouterConfig::fromJson(R"({"realms":[{"name":"realm1"}]})")->realms.at(0).discloseCaller, s("on_request"));
        auto bad = RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":"sometimes"}]})");
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorString().contains(s("disclose_caller")));
        QVERIFY(!RouterConfig::fromJson(R"({"realms":[{"name":"realm1","disclose_caller":true}]})").ok());
    }

    // ------------------------------------------------------------------ cancel with a progressive call

    void cancelKillDuringProgressiveResults()
    {
        // kill: the caller keeps receiving until the callee's final answer (wamp-notes §11.4).
        FakePeer *callee = joined();
        FakePeer *caller = joined();
        QVERIFY2(callee && caller, qPrintable(m_error));
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

    // ------------------------------------------------------------------ PubSub black/white lists (§12.1)

    void blackWhiteListsByAuth()
    {
        // alice (authrole admin, ticket) and an anonymous session subscribe; the publisher filters by authid/authrole.
        FakePeer *anon = joined();
        quint64 aliceId = 0;
        FakePeer *alice = joinedAsAlice(aliceId, SerializerId::Cbor);
        FakePeer *pub = joined();
        QVERIFY2(anon && alice && pub, qPrintable(m_error));
        QCOMPARE(anon->subscribe(s("com.bw"))->type(), MessageType::Subscribed);
        QCOMPARE(alice->subscribe(s("com.bw"))->type(), MessageType::Subscribed);
        const QList<std::pair<Dict, QString>> cases = {
            {{{s("exclude_authid"), List{s("alice")}}}, s("not-alice")},
            {{{s("eligible_authid"), List{s("alice")}}}, s("only-alice")},
            {{{s("eligible_authrole"), List{s("admin")}}}, s("only-admin")},
            {{{s("exclude_authrole"), List{s("admin")}}}, s("not-admin")},
            {{{s("eligible_authrole"), List{s("admin"), s("anonymous")}}, {s("exclude"), List{aliceId}}}, s("and")},
            {{{s("eligible"), List{}}}, s("nobody")},
            {{}, s("end")},
        };
        for (const auto &[options, marker] : cases)
            pub->send(Message::publish(pub->nextRequestId(), options, s("com.bw"), {marker}));
        auto markers = [](FakePeer *peer) {
            QStringList out;
            while (out.isEmpty() || out.last() != u"end") {
                const auto e = peer->waitFor(MessageType::Event);
                if (!e)
                    break;
                out.append(e->args().value(0).toString());
            }
            return out;
        };
        QCOMPARE(markers(alice), (QStringList{s("only-alice"), s("only-admin"), s("end")}));
        QCOMPARE(markers(anon), (QStringList{s("not-alice"), s("not-admin"), s("and"), s("end")}));
    }
    // ------------------------------------------------------------------ the client Session drives all of it

    void clientProgressiveInvocationsAndResults()
    {
        auto callee = clientSession(s("rs"), SerializerId::MsgPack);
        auto caller = clientSession(s("ws"), SerializerId::Json);
        QVERIFY(callee && caller);
        QList<session::InvocationData> chunks;
        bool registered = false;
        callee->registerProcedure(
            s("com.sum"), {{s("invoke"), s("roundrobin")}},
            [&](const session::InvocationData &inv) {
                chunks.append(inv);
                // One progressive result per input chunk (full duplex), the sum with the final chunk.
                if (inv.progress) {
                    callee->yield(inv.requestId, {inv.args.value(0)}, {}, {{s("progress"), true}});
                    return;
                }
                qint64 sum = 0;
                for (const auto &c : std::as_const(chunks))
                    sum += c.args.value(0).toInt64().value_or(0);
                callee->yield(inv.requestId, {sum});
            },
            [&](quint64) { registered = true; }, [](const session::WampError &e) { QFAIL(qPrintable(e.toString())); });
        QTRY_VERIFY(registered);
        QList<session::CallResult> results;
        QString error;
        const quint64 req = caller->call(
            s("com.sum"), {1}, {}, {{s("progress"), true}, {s("receive_progress"), true}},
            [&](const session::CallResult &r) { results.append(r); }, [&](const session::WampError &e) { error = e.uri; });
        QVERIFY(req);
        QVERIFY(caller->sendCallChunk(req, {2}));
        QVERIFY(caller->sendCallChunk(req, {3}));
        QVERIFY(caller->sendCallChunk(req, {4}, {}, false));
        QVERIFY(!caller->sendCallChunk(req, {5}, {}, false)); // the input has ended
        QTRY_VERIFY(!results.isEmpty() && !results.last().progress);
        QVERIFY(error.isEmpty());
        QCOMPARE(chunks.size(), 4);
        QCOMPARE(chunks.at(0).continuation, false);
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(chunks.at(i).requestId, chunks.at(0).requestId);
            QCOMPARE(chunks.at(i).continuation, true);
        }
        QCOMPARE(chunks.at(3).progress, false);
        QCOMPARE(results.size(), 4);
        QCOMPARE(results.at(0).args, (List{1}));
        QCOMPARE(results.at(2).args, (List{3}));
        QCOMPARE(results.at(3).args, (List{10}));
        QCOMPARE(caller->pendingRequestCount(), 0);
        // A call not started as a stream takes no chunks.
        const quint64 plain = caller->call(s("com.sum"), {1}, {}, {}, {}, {});
        QVERIFY(!caller->sendCallChunk(plain, {2}));
    }

    void clientInterruptedByTimeoutAndCancel()
    {
        auto callee = clientSession();
        auto caller = clientSession(s("rs"));
        QVERIFY(callee && caller);
        QList<std::pair<quint64, QString>> interrupts;
        QList<quint64> invocations;
        bool registered = false;
        callee->registerProcedure(
            s("com.hang"), {}, [&](const session::InvocationData &inv) { invocations.append(inv.requestId); },
            [&](quint64) { registered = true; }, {},
            [&](quint64 request, const QString &mode) {
                interrupts.append({request, mode});
                if (mode == u"kill")
                    callee->yieldError(request, uris::canceled, {s("stopped")});
            });
        QTRY_VERIFY(registered);
        // The router times the call out: the caller gets wamp.error.timeout, the callee INTERRUPT killnowait.
        session::WampError timeoutError;
        caller->call(s("com.hang"), {}, {}, {{s("timeout"), 150}}, {}, [&](const session::WampError &e) { timeoutError = e; });
        QTRY_COMPARE(timeoutError.uri, uris::timeout);
        QTRY_COMPARE(interrupts.size(), 1);
        QCOMPARE(interrupts.at(0), std::make_pair(invocations.at(0), s("killnowait")));
        // CANCEL kill: the callee's own error answers the caller.
        session::WampError cancelError;
        const quint64 req = caller->call(s("com.hang"), {}, {}, {}, {}, [&](const session::WampError &e) { cancelError = e; });
        QTRY_COMPARE(invocations.size(), 2);
        caller->cancel(req, s("kill"));
        QTRY_COMPARE(cancelError.uri, uris::canceled);
        QCOMPARE(interrupts.size(), 2);
        QCOMPARE(interrupts.at(1), std::make_pair(invocations.at(1), s("kill")));
        QCOMPARE(cancelError.args, (List{s("stopped")}));
    }
};

QTEST_GUILESS_MAIN(TstAdvanced)
#include "tst_advanced.moc"
