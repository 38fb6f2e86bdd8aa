// SPDX-License-Identifier: GPL-3.0-or-later
// The WAMP meta API of the built-in router (wamp-notes §13): session, subscription, registration and testament
// procedures and events, driven by real client Sessions in process; plus MetaClient, the typed client helper.

#include "fakes/routerfixture.h"
#include "fakes/testutil.h"

#include "router/metaapi.h"
#include "session/metaclient.h"
#include "wamp/errors.h"

using namespace wb;
using namespace wb::wamp;
using wb::testing::RouterFixture;

using wb::testing::s;

namespace {

router::RouterConfig config()
{
    router::RouterConfig c = router::RouterConfig::defaults();
    router::UserConfig alice;
    alice.authid = s("alice");
    alice.authmethod = s("ticket");
    alice.secret = s("s3cret");
    alice.authrole = s("admin");
    router::UserConfig bob = alice;
    bob.authid = s("bob");
    bob.authrole = s("ops");
    c.users = {alice, bob};
    return c;
}

QList<quint64> ids(const Value &v)
{
    QList<quint64> out;
    for (const Value &x : v.toList())
        out.append(x.toUInt64().value_or(0));
    return out;
}
} // namespace

class TstMetaApi : public QObject
{
    Q_OBJECT
private:
    RouterFixture f;

    std::unique_ptr<session::Session> alice() { return RouterFixture::joinTicket(f, s("alice"), s("s3cret")); }
    std::unique_ptr<session::Session> bob() { return RouterFixture::joinTicket(f, s("bob"), s("s3cret")); }
    /// bob over RawSocket + MessagePack
    std::unique_ptr<session::Session> bobRs()
    {
        session::SessionOptions o;
        o.auth.method = s("ticket");
        o.auth.authid = s("bob");
        o.auth.secret = s("s3cret");
        return f.join(o, true);
    }

private slots:
    void initTestCase() { QVERIFY(f.start(config())); }
    void cleanupTestCase() { f.router.reset(); }
    void cleanup() { QTRY_COMPARE_WITH_TIMEOUT(f.router->sessionCount(), 0, 5000); }

    void welcomeAnnouncesFeatures()
    {
        auto a = f.join();
        QVERIFY(a);
        for (const char *feature : {"session_meta_api", "subscription_meta_api", "event_history", "event_retention"})
            QVERIFY2(a->routerHasFeature(s("broker"), s(feature)), feature);
        for (const char *feature : {"session_meta_api", "registration_meta_api", "testament_meta_api"})
            QVERIFY2(a->routerHasFeature(s("dealer"), s(feature)), feature);
        QVERIFY(f.leave(a));
    }

    void onJoinOnLeave_data()
    {
        QTest::addColumn<QString>("topic");
        QTest::addColumn<QString>("match");
        QTest::newRow("exact") << s("wamp.session.on_join") << s("exact");
        QTest::newRow("prefix") << s("wamp.session.") << s("prefix");
        QTest::newRow("wildcard") << s("wamp..on_join") << s("wildcard");
    }
    void onJoinOnLeave()
    {
        QFETCH(QString, topic);
        QFETCH(QString, match);
        auto observer = f.join();
        QVERIFY(observer);
        auto joins = RouterFixture::subscribe(*observer, topic, {{s("match"), match}});
        auto leaves = RouterFixture::subscribe(*observer, s("wamp.session.on_leave"));
        QVERIFY(joins->subscription && leaves->subscription);

        auto a = alice();
        QVERIFY(a);
        const quint64 aid = a->sessionId();
        QTRY_COMPARE_WITH_TIMEOUT(joins->events.size(), 1, 5000);
        const session::EventData &e = joins->events.first();
        QCOMPARE(e.topic, s("wamp.session.on_join"));
        const Dict d = e.args.value(0).toDict();
        QCOMPARE(d.value(s("session")).toUInt64(), aid);
        QCOMPARE(d.value(s("authid")).toString(), s("alice"));
        QCOMPARE(d.value(s("authrole")).toString(), s("admin"));
        QCOMPARE(d.value(s("authmethod")).toString(), s("ticket"));
        QVERIFY(!d.value(s("authprovider")).toString().isEmpty());
        QCOMPARE(d.value(s("transport")).value(s("channel_framing")).toString(), s("websocket"));
        QCOMPARE(d.value(s("transport")).value(s("channel_serializer")).toString(), s("json"));

        QVERIFY(f.leave(a));
        QTRY_COMPARE_WITH_TIMEOUT(leaves->events.size(), 1, 5000);
        // Crossbar's shape: [session] only.
        QCOMPARE(leaves->events.first().args, (List{aid}));
        if (match == u"prefix") // the prefix subscription sees on_leave too
            QTRY_COMPARE_WITH_TIMEOUT(joins->events.size(), 2, 5000);
        QVERIFY(f.leave(observer));
    }

    void countListGet()
    {
        auto anon = f.join();
        auto a = alice();
        auto b = bobRs();
        QVERIFY(anon && a && b);
        auto r = RouterFixture::call(*anon, s("wamp.session.count"));
        QVERIFY(r.ok);
        QCOMPARE(r.value().toInt64(), 3);
        r = RouterFixture::call(*anon, s("wamp.session.count"), {Value(List{s("admin"), s("ops")})});
        QCOMPARE(r.value().toInt64(), 2);
        r = RouterFixture::call(*anon, s("wamp.session.count"), {}, {{s("filter_authroles"), List{s("nobody")}}});
        QCOMPARE(r.value().toInt64(), 0);
        r = RouterFixture::call(*anon, s("wamp.session.list"));
        QVERIFY(r.ok);
        QList<quint64> list = ids(r.value());
        std::sort(list.begin(), list.end());
        QList<quint64> expected{anon->sessionId(), a->sessionId(), b->sessionId()};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(list, expected);
        r = RouterFixture::call(*anon, s("wamp.session.list"), {Value(List{s("ops")})});
        QCOMPARE(ids(r.value()), (QList<quint64>{b->sessionId()}));

        r = RouterFixture::call(*anon, s("wamp.session.get"), {b->sessionId()});
        QVERIFY(r.ok);
        const Dict d = r.value().toDict();
        QCOMPARE(d.value(s("session")).toUInt64(), b->sessionId());
        QCOMPARE(d.value(s("authid")).toString(), s("bob"));
        QCOMPARE(d.value(s("authrole")).toString(), s("ops"));
        QCOMPARE(d.value(s("realm")).toString(), s("realm1"));
        QCOMPARE(d.value(s("transport")).value(s("channel_framing")).toString(), s("rawsocket"));
        QCOMPARE(d.value(s("transport")).value(s("channel_serializer")).toString(), s("msgpack"));

        r = RouterFixture::call(*anon, s("wamp.session.get"), {quint64(12345)});
        QVERIFY(!r.ok);
        QCOMPARE(r.error.uri, uris::noSuchSession);
        r = RouterFixture::call(*anon, s("wamp.session.get"), {s("nope")});
        QCOMPARE(r.error.uri, uris::invalidArgument);
        r = RouterFixture::call(*anon, s("wamp.session.count"), {s("admin")});
        QCOMPARE(r.error.uri, uris::invalidArgument);
        // Unknown meta procedure; clients cannot register wamp.* URIs.
        r = RouterFixture::call(*anon, s("wamp.session.nonexistent"));
        QCOMPARE(r.error.uri, uris::noSuchProcedure);
        QString error;
        QCOMPARE(RouterFixture::registerEcho(*a, s("wamp.session.list"), {}, &error), quint64(0));
        QCOMPARE(error, uris::invalidUri);
        QVERIFY(f.leave(anon));
        QVERIFY(f.leave(a));
        QVERIFY(f.leave(b));
    }

    void kill_data()
    {
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QString>("message");
        QTest::newRow("default reason") << QString() << QString();
        QTest::newRow("reason and message") << s("com.example.maintenance") << s("back soon");
    }
    void kill()
    {
        QFETCH(QString, reason);
        QFETCH(QString, message);
        auto killer = f.join();
        auto victim = f.join();
        QVERIFY(killer && victim);
        auto leaves = RouterFixture::subscribe(*killer, s("wamp.session.on_leave"));
        QSignalSpy left(victim.get(), &session::Session::left);
        Dict kwargs;
        if (!reason.isEmpty())
            kwargs.insert(s("reason"), reason);
        if (!message.isEmpty())
            kwargs.insert(s("message"), message);
        const quint64 vid = victim->sessionId();
        auto r = RouterFixture::call(*killer, s("wamp.session.kill"), {vid}, kwargs);
        QVERIFY2(r.ok, qPrintable(r.error.toString()));
        QCOMPARE(r.result.args, (List{Value()})); // Crossbar answers None
        QTRY_COMPARE_WITH_TIMEOUT(left.size(), 1, 5000);
        QCOMPARE(left.first().at(0).toString(), reason.isEmpty() ? uris::closeKilled : reason);
        QCOMPARE(left.first().at(1).toString(), message);
        QTRY_COMPARE_WITH_TIMEOUT(leaves->events.size(), 1, 5000);
        QCOMPARE(leaves->events.first().args, (List{vid}));
        r = RouterFixture::call(*killer, s("wamp.session.get"), {vid});
        QCOMPARE(r.error.uri, uris::noSuchSession);
        victim.reset();
        QVERIFY(f.leave(killer));
    }

    void killErrors()
    {
        auto a = f.join();
        auto b = f.join();
        QVERIFY(a && b);
        auto r = RouterFixture::call(*a, s("wamp.session.kill"), {a->sessionId()});
        QCOMPARE(r.error.uri, uris::noSuchSession); // not yourself
        r = RouterFixture::call(*a, s("wamp.session.kill"), {quint64(4242)});
        QCOMPARE(r.error.uri, uris::noSuchSession);
        r = RouterFixture::call(*a, s("wamp.session.kill"), {b->sessionId()}, {{s("reason"), s("not a uri!")}});
        QCOMPARE(r.error.uri, uris::invalidUri);
        r = RouterFixture::call(*a, s("wamp.session.kill"), {b->sessionId(), 42});
        QCOMPARE(r.error.uri, uris::invalidArgument);
        QVERIFY(b->isJoined());
        QVERIFY(f.leave(a));
        QVERIFY(f.leave(b));
    }

    void killByAuthidAndAuthrole()
    {
        auto caller = alice();
        auto a1 = alice();
        auto a2 = alice();
        auto b1 = bob();
        auto anon = f.join();
        QVERIFY(caller && a1 && a2 && b1 && anon);
        QList<quint64> expected{a1->sessionId(), a2->sessionId()};
        std::sort(expected.begin(), expected.end());
        const quint64 b1id = b1->sessionId();
        QSignalSpy a1Left(a1.get(), &session::Session::left);
        QSignalSpy a2Left(a2.get(), &session::Session::left);
        QSignalSpy b1Left(b1.get(), &session::Session::left);
        auto r = RouterFixture::call(*caller, s("wamp.session.kill_by_authid"), {s("alice")},
                                     {{s("message"), s("bye alice")}});
        QVERIFY2(r.ok, qPrintable(r.error.toString()));
        QList<quint64> killed = ids(r.value());
        std::sort(killed.begin(), killed.end());
        QCOMPARE(killed, expected); // the caller is spared
        QTRY_COMPARE_WITH_TIMEOUT(a1Left.size() + a2Left.size(), 2, 5000);
        QCOMPARE(a1Left.first().at(0).toString(), uris::closeKilled);
        QVERIFY(caller->isJoined());

        // Crossbar returns the killed session IDs for kill_by_authrole as well.
        r = RouterFixture::call(*caller, s("wamp.session.kill_by_authrole"), {s("ops")},
                                {{s("reason"), s("com.example.go")}});
        QVERIFY(r.ok);
        QCOMPARE(ids(r.value()), (QList<quint64>{b1id}));
        QTRY_COMPARE_WITH_TIMEOUT(b1Left.size(), 1, 5000);
        QCOMPARE(b1Left.first().at(0).toString(), s("com.example.go"));
        r = RouterFixture::call(*caller, s("wamp.session.kill_by_authrole"), {s("nobody")});
        QCOMPARE(r.value(), Value(List{}));
        r = RouterFixture::call(*caller, s("wamp.session.kill_by_authrole"), {s("admin")});
        QCOMPARE(r.value(), Value(List{})); // only the caller has it
        QVERIFY(anon->isJoined());
        a1.reset();
        a2.reset();
        b1.reset();
        QVERIFY(f.leave(caller));
        QVERIFY(f.leave(anon));
    }

    void subscriptionMeta()
    {
        auto observer = f.join();
        auto a = f.join();
        auto b = f.join();
        QVERIFY(observer && a && b);
        auto created = RouterFixture::subscribe(*observer, s("wamp.subscription.on_create"));
        auto subscribed = RouterFixture::subscribe(*observer, s("wamp.subscription.on_subscribe"));
        auto unsubscribed = RouterFixture::subscribe(*observer, s("wamp.subscription.on_unsubscribe"));
        auto deleted = RouterFixture::subscribe(*observer, s("wamp.subscription.on_delete"));
        QVERIFY(deleted->subscription);
        QVERIFY(RouterFixture::barrier(*observer));
        QVERIFY(created->events.isEmpty()); // no meta events about wamp.* subscriptions

        auto subA = RouterFixture::subscribe(*a, s("com.meta.topic"));
        const quint64 sid = subA->subscription;
        QVERIFY(sid);
        QTRY_COMPARE_WITH_TIMEOUT(subscribed->events.size(), 1, 5000);
        QCOMPARE(created->events.size(), 1);
        QCOMPARE(created->events.first().args.value(0).toUInt64(), a->sessionId());
        const Dict details = created->events.first().args.value(1).toDict();
        QCOMPARE(details.value(s("id")).toUInt64(), sid);
        QCOMPARE(details.value(s("uri")).toString(), s("com.meta.topic"));
        QCOMPARE(details.value(s("match")).toString(), s("exact"));
        QVERIFY(QDateTime::fromString(details.value(s("created")).toString(), Qt::ISODateWithMs).isValid());
        QCOMPARE(subscribed->events.first().args, (List{a->sessionId(), sid}));

        auto subB = RouterFixture::subscribe(*b, s("com.meta.topic"));
        QCOMPARE(subB->subscription, sid);
        auto prefixB = RouterFixture::subscribe(*b, s("com.meta."), {{s("match"), s("prefix")}});
        QTRY_COMPARE_WITH_TIMEOUT(subscribed->events.size(), 3, 5000);
        QCOMPARE(created->events.size(), 2); // B joined the existing one: no on_create

        auto r = RouterFixture::call(*observer, s("wamp.subscription.list"));
        QVERIFY(r.ok);
        QCOMPARE(ids(r.value().value(s("exact"))), (QList<quint64>{sid})); // the observer's wamp.* ones are hidden
        QCOMPARE(ids(r.value().value(s("prefix"))), (QList<quint64>{prefixB->subscription}));
        QCOMPARE(ids(r.value().value(s("wildcard"))), QList<quint64>{});
        r = RouterFixture::call(*observer, s("wamp.subscription.list"), {b->sessionId()});
        QCOMPARE(ids(r.value().value(s("exact"))), (QList<quint64>{sid}));
        r = RouterFixture::call(*observer, s("wamp.subscription.lookup"), {s("com.meta.topic")});
        QCOMPARE(r.value().toUInt64(), sid);
        r = RouterFixture::call(*observer, s("wamp.subscription.lookup"), {s("com.meta."), Dict{{s("match"), s("prefix")}}});
        QCOMPARE(r.value().toUInt64(), prefixB->subscription);
        r = RouterFixture::call(*observer, s("wamp.subscription.lookup"), {s("com.meta.other")});
        QVERIFY(r.ok && r.value().isNull());
        r = RouterFixture::call(*observer, s("wamp.subscription.match"), {s("com.meta.topic")});
        QList<quint64> matched = ids(r.value());
        std::sort(matched.begin(), matched.end());
        QList<quint64> expected{sid, prefixB->subscription};
        std::sort(expected.begin(), expected.end());
        QCOMPARE(matched, expected);
        r = RouterFixture::call(*observer, s("wamp.subscription.match"), {s("org.none")});
        QVERIFY(r.ok && r.value().isNull());
        r = RouterFixture::call(*observer, s("wamp.subscription.get"), {sid});
        QCOMPARE(r.value().value(s("uri")).toString(), s("com.meta.topic"));
        QCOMPARE(r.value().value(s("id")).toUInt64(), sid);
        r = RouterFixture::call(*observer, s("wamp.subscription.list_subscribers"), {sid});
        QCOMPARE(ids(r.value()), (QList<quint64>{a->sessionId(), b->sessionId()}));
        r = RouterFixture::call(*observer, s("wamp.subscription.count_subscribers"), {sid});
        QCOMPARE(r.value().toInt64(), 2);
        r = RouterFixture::call(*observer, s("wamp.subscription.get"), {created->subscription});
        QCOMPARE(r.error.uri, uris::notAuthorized); // protected wamp.* subscription
        r = RouterFixture::call(*observer, s("wamp.subscription.get"), {quint64(777)});
        QCOMPARE(r.error.uri, uris::noSuchSubscription);
        r = RouterFixture::call(*observer, s("wamp.subscription.count_subscribers"), {quint64(777)});
        QCOMPARE(r.error.uri, uris::noSuchSubscription);

        // A unsubscribes: on_unsubscribe only; B leaves: on_unsubscribe + on_delete for both of its subscriptions.
        bool done = false;
        a->unsubscribe(sid, [&](quint64) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(unsubscribed->events.size(), 1, 5000);
        QCOMPARE(unsubscribed->events.first().args, (List{a->sessionId(), sid}));
        QVERIFY(RouterFixture::barrier(*observer)); // an on_delete sent with the on_unsubscribe would be here
        QVERIFY(deleted->events.isEmpty());
        const quint64 bid = b->sessionId();
        QVERIFY(f.leave(b));
        QTRY_COMPARE_WITH_TIMEOUT(deleted->events.size(), 2, 5000);
        QCOMPARE(unsubscribed->events.size(), 3);
        QList<quint64> deletedIds;
        for (const auto &e : deleted->events) {
            QCOMPARE(e.args.value(0).toUInt64(), bid);
            deletedIds.append(e.args.value(1).toUInt64().value_or(0));
        }
        std::sort(deletedIds.begin(), deletedIds.end());
        QCOMPARE(deletedIds, expected);
        r = RouterFixture::call(*observer, s("wamp.subscription.get"), {sid});
        QCOMPARE(r.error.uri, uris::noSuchSubscription);
        QVERIFY(f.leave(a));
        QVERIFY(f.leave(observer));
    }

    void registrationMeta()
    {
        auto observer = f.join();
        auto callee = f.join();
        QVERIFY(observer && callee);
        auto events = RouterFixture::subscribe(*observer, s("wamp.registration."), {{s("match"), s("prefix")}});
        QVERIFY(events->subscription);

        const quint64 exact = RouterFixture::registerEcho(*callee, s("com.meta.proc"));
        const quint64 prefix = RouterFixture::registerEcho(*callee, s("com.meta."), {{s("match"), s("prefix")}});
        const quint64 wild = RouterFixture::registerEcho(*callee, s("com..proc"), {{s("match"), s("wildcard")}});
        QVERIFY(exact && prefix && wild);
        QTRY_COMPARE_WITH_TIMEOUT(events->events.size(), 6, 5000);
        QCOMPARE(events->events.at(0).topic, s("wamp.registration.on_create"));
        QCOMPARE(events->events.at(1).topic, s("wamp.registration.on_register"));
        QCOMPARE(events->events.at(1).args, (List{callee->sessionId(), exact}));
        const Dict details = events->events.at(0).args.value(1).toDict();
        QCOMPARE(details.value(s("id")).toUInt64(), exact);
        QCOMPARE(details.value(s("uri")).toString(), s("com.meta.proc"));
        QCOMPARE(details.value(s("match")).toString(), s("exact"));
        QCOMPARE(details.value(s("invoke")).toString(), s("single"));

        auto r = RouterFixture::call(*observer, s("wamp.registration.list"));
        QCOMPARE(ids(r.value().value(s("exact"))), (QList<quint64>{exact}));
        QCOMPARE(ids(r.value().value(s("prefix"))), (QList<quint64>{prefix}));
        QCOMPARE(ids(r.value().value(s("wildcard"))), (QList<quint64>{wild}));
        r = RouterFixture::call(*observer, s("wamp.registration.list"), {observer->sessionId()});
        QCOMPARE(r.value(), Value(Dict{{s("exact"), List{}}, {s("prefix"), List{}}, {s("wildcard"), List{}}}));
        // match = where a CALL would go (exact > prefix > wildcard)
        r = RouterFixture::call(*observer, s("wamp.registration.match"), {s("com.meta.proc")});
        QCOMPARE(r.value().toUInt64(), exact);
        r = RouterFixture::call(*observer, s("wamp.registration.match"), {s("com.meta.other")});
        QCOMPARE(r.value().toUInt64(), prefix);
        r = RouterFixture::call(*observer, s("wamp.registration.match"), {s("com.x.proc")});
        QCOMPARE(r.value().toUInt64(), wild);
        r = RouterFixture::call(*observer, s("wamp.registration.match"), {s("org.none")});
        QVERIFY(r.ok && r.value().isNull());
        r = RouterFixture::call(*observer, s("wamp.registration.lookup"), {s("com.meta.")});
        QVERIFY(r.ok && r.value().isNull()); // exact lookup of the prefix URI
        r = RouterFixture::call(*observer, s("wamp.registration.lookup"), {s("com.meta.")},
                                {{s("options"), Dict{{s("match"), s("prefix")}}}});
        QCOMPARE(r.value().toUInt64(), prefix);
        r = RouterFixture::call(*observer, s("wamp.registration.lookup"), {s("com.meta."), Dict{{s("match"), s("bogus")}}});
        QCOMPARE(r.error.uri, uris::invalidArgument);
        r = RouterFixture::call(*observer, s("wamp.registration.get"), {wild});
        QCOMPARE(r.value().value(s("match")).toString(), s("wildcard"));
        QCOMPARE(r.value().value(s("uri")).toString(), s("com..proc"));
        r = RouterFixture::call(*observer, s("wamp.registration.list_callees"), {exact});
        QCOMPARE(ids(r.value()), (QList<quint64>{callee->sessionId()}));
        r = RouterFixture::call(*observer, s("wamp.registration.count_callees"), {exact});
        QCOMPARE(r.value().toInt64(), 1);
        r = RouterFixture::call(*observer, s("wamp.registration.get"), {quint64(99)});
        QCOMPARE(r.error.uri, uris::noSuchRegistration);
        r = RouterFixture::call(*observer, s("wamp.registration.list_callees"), {quint64(99)});
        QCOMPARE(r.error.uri, uris::noSuchRegistration);
        // A normal call still reaches the callee next to the meta procedures.
        r = RouterFixture::call(*observer, s("com.meta.proc"), {1});
        QCOMPARE(r.result.args, (List{1}));

        bool done = false;
        callee->unregister(exact, [&](quint64) { done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(events->events.size(), 8, 5000);
        QCOMPARE(events->events.at(6).topic, s("wamp.registration.on_unregister"));
        QCOMPARE(events->events.at(7).topic, s("wamp.registration.on_delete"));
        QCOMPARE(events->events.at(7).args, (List{callee->sessionId(), exact}));
        QVERIFY(f.leave(callee)); // the two others go: unregister + delete each
        QTRY_COMPARE_WITH_TIMEOUT(events->events.size(), 12, 5000);
        r = RouterFixture::call(*observer, s("wamp.registration.list"));
        QCOMPARE(ids(r.value().value(s("prefix"))), QList<quint64>{});
        QVERIFY(f.leave(observer));
    }

    void testaments()
    {
        auto observer = f.join();
        auto a = f.join();
        QVERIFY(observer && a);
        auto gone = RouterFixture::subscribe(*observer, s("com.testament."), {{s("match"), s("prefix")}});
        auto r = RouterFixture::call(*a, s("wamp.session.add_testament"),
                                     {s("com.testament.destroyed1"), List{1}, Dict{{s("k"), s("v")}}});
        QVERIFY2(r.ok, qPrintable(r.error.toString()));
        QVERIFY(r.value().toUInt64().value_or(0) > 0); // Crossbar returns a publication ID
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.testament.detached"), List{2}, Dict{}},
                                {{s("scope"), s("detached")}});
        QVERIFY(r.ok);
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.testament.destroyed2"), List{3}, Dict{}});
        QVERIFY(r.ok);
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.testament.flushed"), List{}, Dict{}},
                                {{s("scope"), s("detached")}});
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.x"), List{}, Dict{}}, {{s("scope"), s("later")}});
        QCOMPARE(r.error.uri, s("wamp.error.testament_error"));
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("bad uri"), List{}, Dict{}});
        QCOMPARE(r.error.uri, uris::invalidUri);
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.x"), s("not a list"), Dict{}});
        QCOMPARE(r.error.uri, uris::invalidArgument);
        // flush the detached bucket: 2 testaments
        r = RouterFixture::call(*a, s("wamp.session.flush_testaments"), {}, {{s("scope"), s("detached")}});
        QCOMPARE(r.value().toInt64(), 2);
        r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.testament.detached2"), List{4}, Dict{}},
                                {{s("scope"), s("detached")}});
        QVERIFY(r.ok);
        QVERIFY(RouterFixture::barrier(*observer));
        QVERIFY(gone->events.isEmpty()); // nothing published while the session lives

        QVERIFY(f.leave(a));
        QTRY_COMPARE_WITH_TIMEOUT(gone->events.size(), 3, 5000);
        // detached bucket first, then destroyed, each in the order added
        QCOMPARE(gone->events.at(0).topic, s("com.testament.detached2"));
        QCOMPARE(gone->events.at(1).topic, s("com.testament.destroyed1"));
        QCOMPARE(gone->events.at(1).args, (List{1}));
        QCOMPARE(gone->events.at(1).kwargs, (Dict{{s("k"), s("v")}}));
        QCOMPARE(gone->events.at(2).topic, s("com.testament.destroyed2"));
        QVERIFY(!gone->events.at(1).details.contains(s("publisher"))); // published as the router
        QVERIFY(f.leave(observer));
    }

    void testamentOnKillAndFlush()
    {
        auto observer = f.join();
        auto a = f.join();
        auto b = f.join();
        QVERIFY(observer && a && b);
        auto gone = RouterFixture::subscribe(*observer, s("com.testament.kill"));
        // publish options are honoured: exclude_authrole drops the event for anonymous subscribers
        auto r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.testament.kill"), List{s("a")}, Dict{}});
        QVERIFY(r.ok);
        r = RouterFixture::call(*b, s("wamp.session.add_testament"), {s("com.testament.kill"), List{s("b")}, Dict{}});
        r = RouterFixture::call(*b, s("wamp.session.flush_testaments"));
        QCOMPARE(r.value().toInt64(), 1);
        r = RouterFixture::call(*b, s("wamp.session.flush_testaments"));
        QCOMPARE(r.value().toInt64(), 0);
        r = RouterFixture::call(*b, s("wamp.session.add_testament"), {s("com.testament.kill"), List{s("hidden")}, Dict{},
                                                                      Dict{{s("exclude_authrole"), List{s("anonymous")}}}});
        QVERIFY(r.ok);
        r = RouterFixture::call(*observer, s("wamp.session.kill"), {a->sessionId()});
        QVERIFY(r.ok);
        QTRY_COMPARE_WITH_TIMEOUT(gone->events.size(), 1, 5000);
        QCOMPARE(gone->events.first().args, (List{s("a")}));
        QVERIFY(f.leave(b));
        QVERIFY(RouterFixture::barrier(*observer));
        QCOMPARE(gone->events.size(), 1); // b's flushed testament is gone, the other excluded the observer
        a.reset();
        QVERIFY(f.leave(observer));
    }

    void testamentCap()
    {
        auto a = f.join();
        QVERIFY(a);
        for (int i = 0; i < router::MetaApi::kMaxTestaments; ++i)
            QVERIFY(RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.cap"), List{i}, Dict{}}).ok);
        auto r = RouterFixture::call(*a, s("wamp.session.add_testament"), {s("com.cap"), List{}, Dict{}});
        QCOMPARE(r.error.uri, s("wamp.error.testament_error"));
        QVERIFY(f.leave(a));
    }

    void metaClient()
    {
        auto admin = f.join();
        auto a = alice();
        QVERIFY(admin && a);
        session::MetaClient meta(admin.get());
        bool ready = false;
        meta.watch([&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 5000);
        QSignalSpy joined(&meta, &session::MetaClient::sessionJoined);
        QSignalSpy leftSpy(&meta, &session::MetaClient::sessionLeft);
        QSignalSpy subCreated(&meta, &session::MetaClient::subscriptionCreated);
        QSignalSpy regCreated(&meta, &session::MetaClient::registrationCreated);
        QSignalSpy regDeleted(&meta, &session::MetaClient::registrationDeleted);

        auto sub = RouterFixture::subscribe(*a, s("com.mc.topic"));
        const quint64 reg = RouterFixture::registerEcho(*a, s("com.mc.proc"));
        QVERIFY(sub->subscription && reg);
        QTRY_COMPARE_WITH_TIMEOUT(subCreated.size(), 1, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(regCreated.size(), 1, 5000);
        QCOMPARE(subCreated.first().at(1).value<session::MetaSubscription>().uri, s("com.mc.topic"));

        QList<Dict> sessions;
        bool got = false;
        meta.fetchSessions([&](const QList<Dict> &list) { sessions = list; got = true; },
                           [](const session::WampError &e) { QFAIL(qPrintable(e.toString())); });
        QTRY_VERIFY_WITH_TIMEOUT(got, 5000);
        QCOMPARE(sessions.size(), 2);
        QList<session::MetaSubscription> subs;
        got = false;
        meta.fetchSubscriptions([&](const QList<session::MetaSubscription> &list) { subs = list; got = true; },
                                [](const session::WampError &e) { QFAIL(qPrintable(e.toString())); });
        QTRY_VERIFY_WITH_TIMEOUT(got, 5000);
        QCOMPARE(subs.size(), 1); // the wamp.* ones of the watcher are hidden
        QCOMPARE(subs.first().uri, s("com.mc.topic"));
        QCOMPARE(subs.first().subscribers, (QList<quint64>{a->sessionId()}));
        QList<session::MetaRegistration> regs;
        got = false;
        meta.fetchRegistrations([&](const QList<session::MetaRegistration> &list) { regs = list; got = true; },
                                [](const session::WampError &e) { QFAIL(qPrintable(e.toString())); });
        QTRY_VERIFY_WITH_TIMEOUT(got, 5000);
        QCOMPARE(regs.size(), 1);
        QCOMPARE(regs.first().id, reg);
        QCOMPARE(regs.first().match, s("exact"));
        QCOMPARE(regs.first().invoke, s("single"));
        QCOMPARE(regs.first().callees, (QList<quint64>{a->sessionId()}));

        auto b = f.join();
        QVERIFY(b);
        QTRY_COMPARE_WITH_TIMEOUT(joined.size(), 1, 5000);
        QCOMPARE(joined.first().at(0).value<Dict>().value(s("session")).toUInt64(), b->sessionId());

        const quint64 aid = a->sessionId();
        bool killed = false;
        QString killError;
        meta.killSession(aid, s("com.example.bye"), s("done"), [&] { killed = true; },
                         [&](const session::WampError &e) { killError = e.uri; });
        QTRY_VERIFY_WITH_TIMEOUT(killed, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(leftSpy.size(), 1, 5000);
        QCOMPARE(leftSpy.first().at(0).toULongLong(), aid);
        QTRY_COMPARE_WITH_TIMEOUT(regDeleted.size(), 1, 5000);
        meta.killSession(aid, {}, {}, [&] { killed = true; }, [&](const session::WampError &e) { killError = e.uri; });
        QTRY_COMPARE_WITH_TIMEOUT(killError, uris::noSuchSession, 5000);
        a.reset();
        QVERIFY(f.leave(b));
        QVERIFY(f.leave(admin));
    }
};

QTEST_GUILESS_MAIN(TstMetaApi)
#include "tst_metaapi.moc"
