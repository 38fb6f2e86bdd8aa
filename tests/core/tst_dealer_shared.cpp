// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in dealer in process: the features WELCOME announces and shared registrations (wamp-notes §11.7:
// invoke policies, conflicts, a callee leaving mid-call), with scripted fake peers.

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

class TstDealerShared : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

private slots:
    void init() { QVERIFY2(m_h.start(dealerConfig()), qPrintable(m_h.error())); }

    void cleanup() { m_h.reset(); }

    void welcomeAnnouncesFeatures()
    {
        FakePeer *p = m_h.peer(s("rs"), SerializerId::MsgPack);
        QVERIFY2(p, qPrintable(m_h.error()));
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
        FakePeer *c0 = m_h.joined(s("ws"));
        FakePeer *c1 = m_h.joined(s("rs"), SerializerId::MsgPack);
        FakePeer *c2 = m_h.joined(s("ws"), SerializerId::Cbor);
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(c0 && c1 && c2 && caller, qPrintable(m_h.error()));
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
        QTRY_COMPARE(m_h.router()->sessionCount(), 3);
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
        QCOMPARE(m_h.router()->stats().protocolViolations, quint64(0));
    }

    void sharedRegistrationConflicts()
    {
        FakePeer *a = m_h.joined(s("ws"));
        FakePeer *b = m_h.joined(s("ws"));
        QVERIFY2(a && b, qPrintable(m_h.error()));
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
        FakePeer *c0 = m_h.joined(s("ws"));
        FakePeer *c1 = m_h.joined(s("ws"));
        FakePeer *caller = m_h.joined(s("ws"));
        QVERIFY2(c0 && c1 && caller, qPrintable(m_h.error()));
        QCOMPARE(c0->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        QCOMPARE(c1->register_(s("com.rr"), {{s("invoke"), s("roundrobin")}})->type(), MessageType::Registered);
        const quint64 req = caller->nextRequestId();
        caller->send(Message::call(req, {}, s("com.rr")));
        QVERIFY(c0->waitFor(MessageType::Invocation));
        c0->abortTransport();
        const auto err = caller->waitReply(req, {MessageType::Result});
        QCOMPARE(err->uri(), uris::canceled);
        QTRY_COMPARE(m_h.router()->sessionCount(), 2);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(routeCall(caller, {c1}, s("com.rr")), 0);
    }
};

QTEST_GUILESS_MAIN(TstDealerShared)
#include "tst_dealer_shared.moc"
