// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What tst_dealer_shared, tst_dealer_timeout, tst_dealer_progressive and tst_disclosure share: their router config,
// HELLO roles with the Advanced Profile features, and small routing helpers over the RouterHarness.

#include "fakes/fakepeer.h"
#include "fakes/routerharness.h"
#include "fakes/testutil.h"

#include "router/routerconfig.h"
#include "wamp/message.h"

#include <QDeadlineTimer>
#include <QTest>

#include <initializer_list>

namespace wb::testing::dealertests {

inline const QString kRealm = QStringLiteral("realm1");
inline const QString kDifferentPolicy = QStringLiteral("wamp.error.procedure_exists_with_different_invocation_policy");

inline wamp::Dict dictAt(const wamp::Message &m, int pos) { return m.at(pos).toDict(); }
inline quint64 idAt(const wamp::Message &m, int pos) { return m.at(pos).toUInt64().value_or(0); }

inline wamp::Dict features(std::initializer_list<const char *> names)
{
    wamp::Dict f;
    for (const char *n : names)
        f.insert(QString::fromUtf8(n), true);
    return wamp::Dict{{s("features"), f}};
}

/// HELLO details with explicit roles (FakePeer's defaults lack progressive_call_invocations and call_timeout).
inline wamp::Dict roles(const wamp::Dict &caller, const wamp::Dict &callee)
{
    return wamp::Dict{{s("roles"), wamp::Dict{{s("caller"), caller}, {s("callee"), callee}, {s("publisher"), wamp::Dict()}}}};
}

inline wamp::Dict streamingRoles()
{
    return roles(features({"progressive_call_results", "progressive_call_invocations", "call_canceling", "call_timeout"}),
                 features({"progressive_call_results", "progressive_call_invocations", "call_canceling", "call_timeout"}));
}

/// realm1 with \a discloseCaller; ticket user alice (authrole admin); \a maxPendingCalls per session.
inline router::RouterConfig dealerConfig(const QString &discloseCaller = s("on_request"), int maxPendingCalls = 1000)
{
    router::RouterConfig c = RouterHarness::baseConfig(kRealm);
    c.realms[0].discloseCaller = discloseCaller;
    router::UserConfig alice;
    alice.authid = s("alice");
    alice.authmethod = s("ticket");
    alice.secret = s("s3cret");
    alice.authrole = s("admin");
    c.users = {alice};
    c.maxPendingCalls = maxPendingCalls;
    return c;
}

/// CALL \a procedure; the callee among \a callees that gets the INVOCATION answers; returns its index (-1: none).
inline int routeCall(FakePeer *caller, const QList<FakePeer *> &callees, const QString &procedure)
{
    const quint64 req = caller->nextRequestId();
    caller->send(wamp::Message::call(req, {}, procedure));
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        for (int i = 0; i < callees.size(); ++i) {
            if (callees.at(i)->pending(wamp::MessageType::Invocation) > 0) {
                const auto inv = callees.at(i)->waitFor(wamp::MessageType::Invocation, 0);
                callees.at(i)->send(wamp::Message::yield(inv->requestId(), {}, {i}));
                const auto res = caller->waitReply(req, {wamp::MessageType::Result});
                return res && res->type() == wamp::MessageType::Result && res->args() == wamp::List{i} ? i : -1;
            }
        }
        QTest::qWait(5); // polling several peers for whichever got the INVOCATION; bounded by the deadline
    }
    return -1;
}

/// alice (ticket, authrole admin) over rs, owned by \a h; returns the peer and sets \a sessionId.
inline FakePeer *joinedAsAlice(RouterHarness &h, quint64 &sessionId, codec::SerializerId ser = codec::SerializerId::Json)
{
    sessionId = 0;
    FakePeer *p = h.peer(s("rs"), ser);
    if (!p)
        return nullptr;
    const auto ch = p->hello(kRealm, {{s("authmethods"), wamp::List{s("ticket")}}, {s("authid"), s("alice")}});
    if (!ch || ch->type() != wamp::MessageType::Challenge)
        return nullptr;
    p->send(wamp::Message::authenticate(s("s3cret"), {}));
    const auto w = p->waitFor(wamp::MessageType::Welcome);
    if (!w)
        return nullptr;
    sessionId = idAt(*w, 1);
    return p;
}

/// Router-clock barrier for "no timeout fires" checks. \a silent registers a fresh procedure it never answers;
/// \a caller calls it with timeout \a ms and waits (bounded) for wamp.error.timeout. The dealer's call timers are
/// precise timers on the router's thread, and Qt fires due timers in deadline order, so every timer due before this
/// one has fired by then; the caller's transport keeps order, so what those timers sent the caller has arrived.
/// The callee side of a fired timer (INTERRUPT) may still be on its way: follow with that peer's barrier().
inline bool routerClockPassed(FakePeer *caller, FakePeer *silent, int ms)
{
    static int serial = 0;
    const QString procedure = s("wb.test.clock.%1").arg(++serial);
    const auto reg = silent->register_(procedure);
    if (!reg || reg->type() != wamp::MessageType::Registered)
        return false;
    const quint64 req = caller->nextRequestId();
    caller->send(wamp::Message::call(req, {{s("timeout"), ms}}, procedure));
    const auto reply = caller->waitReply(req, {wamp::MessageType::Result}, ms + 5000);
    return reply && reply->type() == wamp::MessageType::Error && reply->uri() == s("wamp.error.timeout");
}

/// The peer keeps being served: an acknowledged publish comes back PUBLISHED.
inline void checkAlive(FakePeer *p)
{
    const quint64 req = p->nextRequestId();
    p->send(wamp::Message::publish(req, {{s("acknowledge"), true}}, s("com.still.alive")));
    const auto reply = p->waitReply(req, {wamp::MessageType::Published});
    QVERIFY(reply);
    QCOMPARE(reply->type(), wamp::MessageType::Published);
}

} // namespace wb::testing::dealertests
