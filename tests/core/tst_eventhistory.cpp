// SPDX-License-Identifier: GPL-3.0-or-later
// Event history (wamp.subscription.get_events, history configured per realm) and retained events
// (PUBLISH retain / SUBSCRIBE get_retained) of the built-in router (wamp-notes §12.7, §12.8); both bounded.

#include "fakes/routerfixture.h"
#include "fakes/testutil.h"

#include "router/eventhistory.h"
#include "router/routerconfig.h"
#include "wamp/errors.h"

using namespace wb;
using namespace wb::wamp;
using wb::testing::RouterFixture;

using wb::testing::s;

namespace {
const QString kHistoryUnavailable = QStringLiteral("wamp.error.history_unavailable");

router::RouterConfig routerConfig()
{
    router::RouterConfig c = router::RouterConfig::defaults();
    c.realms.first().eventHistory = {router::EventHistoryConfig{s("com.hist."), s("prefix"), 3},
                                     router::EventHistoryConfig{s("com.exact"), s("exact"), 100}};
    c.realms.first().maxRetained = 3;
    router::RealmConfig plain;
    plain.name = s("plain");
    c.realms.append(plain);
    return c;
}

List argsOf(const Value &events)
{
    List out;
    for (const Value &e : events.toList())
        out.append(e.value(s("args")).toList().value(0));
    return out;
}
} // namespace

class TstEventHistory : public QObject
{
    Q_OBJECT
private:
    RouterFixture f;

private slots:
    void initTestCase() { QVERIFY(f.start(routerConfig())); }
    void cleanupTestCase() { f.router.reset(); }
    void cleanup() { QTRY_COMPARE_WITH_TIMEOUT(f.router->sessionCount(), 0, 5000); }

    void config_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("ok") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a.","match":"prefix","limit":5}],"max_retained":0}]})")
                            << QString();
        QTest::newRow("default match") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a"}]}]})") << QString();
        QTest::newRow("bad match") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","match":"fuzzy"}]}]})")
                                   << s("realms[0].event_history[0].match must be exact, prefix or wildcard");
        QTest::newRow("bad uri") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com..a"}]}]})")
                                 << s("realms[0].event_history[0].uri is not a valid exact URI");
        QTest::newRow("limit 0") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","limit":0}]}]})")
                                 << s("realms[0].event_history[0].limit must be between 1 and 100000");
        QTest::newRow("limit huge") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","limit":1000000}]}]})")
                                    << s("limit must be between 1 and 100000");
        QTest::newRow("unknown key") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","size":3}]}]})")
                                     << s("unknown key \"size\"");
        QTest::newRow("max_bytes") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","max_bytes":4096}],"max_retained_bytes":8192}]})")
                                   << QString();
        QTest::newRow("max_bytes too small") << s(R"({"realms":[{"name":"r","event_history":[{"uri":"com.a","max_bytes":10}]}]})")
                                             << s("max_bytes must be between 1024");
        QTest::newRow("max_retained_bytes too small") << s(R"({"realms":[{"name":"r","max_retained_bytes":1}]})")
                                                      << s("realms[0].max_retained_bytes must be between 1024");
        QTest::newRow("max_retained negative") << s(R"({"realms":[{"name":"r","max_retained":-1}]})")
                                               << s("realms[0].max_retained must be between 0 and 100000");
    }
    void config()
    {
        QFETCH(QString, json);
        QFETCH(QString, error);
        const auto c = router::RouterConfig::fromJson(json.toUtf8());
        if (error.isEmpty()) {
            QVERIFY2(c.ok(), qPrintable(c.errorString()));
            QCOMPARE(c->realms.first().eventHistory.size(), 1);
            QCOMPARE(c->realms.first().eventHistory.first().uri.left(5), s("com.a"));
        } else {
            QVERIFY(!c.ok());
            QVERIFY2(c.errorString().contains(error), qPrintable(c.errorString()));
        }
    }

    void storeByteBudgets()
    {
        // History: count and byte budget, oldest dropped first; an event larger than the budget is not kept.
        router::EventHistory store(100, 5000);
        store.enableHistory(1, 1000, 10000);
        const QString kilo(1000, u'x');
        const qint64 one = router::EventHistory::approximateSize({kilo}, {});
        QVERIFY(one > 2000 && one < 2300);
        for (int i = 0; i < 50; ++i) {
            router::EventHistory::Event e;
            e.publication = quint64(i + 1);
            e.args = {kilo};
            store.record(1, e);
        }
        QVERIFY(store.historyBytes(1) <= 10000);
        QCOMPARE(store.historySize(1), int(10000 / one));
        QCOMPARE(store.events(1, 1)->first().value(s("publication")).toUInt64(), quint64(50)); // newest kept
        router::EventHistory::Event huge;
        huge.publication = 99;
        huge.args = {QString(10000, u'y')};
        store.record(1, huge);
        QCOMPARE(store.events(1, 1)->first().value(s("publication")).toUInt64(), quint64(50));

        // Retained: one per topic, count and byte budget.
        for (int i = 0; i < 10; ++i) {
            router::EventHistory::Retained r;
            r.event.publication = quint64(i + 1);
            r.event.args = {kilo};
            store.retain(s("com.t%1").arg(i), r);
        }
        QVERIFY(store.retainedBytes() <= 5000);
        QCOMPARE(store.retainedCount(), int(5000 / one));
        QCOMPARE(store.retainedMatching(s("com.t9"), MatchPolicy::Exact).size(), 1);
        QCOMPARE(store.retainedMatching(s("com.t0"), MatchPolicy::Exact).size(), 0);
        // Replacing a topic's retained event does not grow the store.
        const qint64 before = store.retainedBytes();
        router::EventHistory::Retained again;
        again.event.args = {kilo};
        store.retain(s("com.t9"), again);
        QCOMPARE(store.retainedBytes(), before);
    }

    void historyBeforeAnySubscriber()
    {
        auto pub = f.join();
        auto reader = f.join();
        QVERIFY(pub && reader);
        // The history subscription exists from the start (pre-created, as in Crossbar).
        auto r = RouterFixture::call(*reader, s("wamp.subscription.lookup"), {s("com.hist."), Dict{{s("match"), s("prefix")}}});
        const quint64 hid = r.value().toUInt64().value_or(0);
        QVERIFY(hid);
        for (int i = 1; i <= 5; ++i)
            QVERIFY(RouterFixture::publish(*pub, s("com.hist.a"), {i}));
        QVERIFY(RouterFixture::publish(*pub, s("com.other"), {99}));

        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid, 10});
        QVERIFY2(r.ok, qPrintable(r.error.toString()));
        QCOMPARE(argsOf(r.value()), (List{5, 4, 3})); // capped at 3, newest first
        const Dict e = r.value().toList().first().toDict();
        QCOMPARE(e.value(s("topic")).toString(), s("com.hist.a"));
        QCOMPARE(e.value(s("subscription")).toUInt64(), hid);
        QVERIFY(e.value(s("publication")).toUInt64().value_or(0) > 0);
        QVERIFY(QDateTime::fromString(e.value(s("timestamp")).toString(), Qt::ISODateWithMs).isValid());
        QVERIFY(!e.contains(s("publisher"))); // not disclosed
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid}, {{s("limit"), 2}});
        QCOMPARE(argsOf(r.value()), (List{5, 4}));
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid, 0});
        QCOMPARE(r.value(), Value(List{}));
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid, -1});
        QCOMPARE(r.error.uri, uris::invalidArgument);

        // A subscriber joins the same (uri, match): same subscription, history kept when it leaves again.
        // The subscription is not created or deleted by that (no on_create / on_delete), only on_subscribe/on_unsubscribe.
        auto watcher = f.join();
        QVERIFY(watcher);
        auto meta = RouterFixture::subscribe(*watcher, s("wamp.subscription."), {{s("match"), s("prefix")}});
        auto sub = RouterFixture::subscribe(*reader, s("com.hist."), {{s("match"), s("prefix")}});
        QCOMPARE(sub->subscription, hid);
        QVERIFY(RouterFixture::publish(*pub, s("com.hist.b"), {6}));
        QTRY_COMPARE_WITH_TIMEOUT(sub->events.size(), 1, 5000);
        QCOMPARE(sub->events.first().topic, s("com.hist.b"));
        QVERIFY(f.leave(reader));
        QTRY_COMPARE_WITH_TIMEOUT(meta->events.size(), 2, 5000);
        QCOMPARE(meta->events.at(0).topic, s("wamp.subscription.on_subscribe"));
        QCOMPARE(meta->events.at(1).topic, s("wamp.subscription.on_unsubscribe"));
        QVERIFY(RouterFixture::barrier(*watcher));
        QCOMPARE(meta->events.size(), 2);
        QVERIFY(f.leave(watcher));
        reader = f.join();
        QVERIFY(reader);
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid});
        QCOMPARE(argsOf(r.value()), (List{6, 5, 4}));
        r = RouterFixture::call(*reader, s("wamp.subscription.count_subscribers"), {hid});
        QCOMPARE(r.value().toInt64(), 0);
        QVERIFY(f.leave(pub));
        QVERIFY(f.leave(reader));
    }

    void historyRules()
    {
        auto pub = f.join();
        auto reader = f.join();
        QVERIFY(pub && reader);
        auto r = RouterFixture::call(*reader, s("wamp.subscription.lookup"), {s("com.exact")});
        const quint64 hid = r.value().toUInt64().value_or(0);
        QVERIFY(hid);
        QVERIFY(RouterFixture::publish(*pub, s("com.exact"), {1}, {{s("disclose_me"), true}}));
        QVERIFY(RouterFixture::publish(*pub, s("com.exact"), {2}, {{s("exclude"), List{reader->sessionId()}}})); // session lists: not stored
        QVERIFY(RouterFixture::publish(*pub, s("com.exact"), {3}, {{s("eligible_authrole"), List{s("anonymous")}}}));
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {hid});
        QCOMPARE(argsOf(r.value()), (List{3, 1}));
        const Dict disclosed = r.value().toList().at(1).toDict();
        QCOMPARE(disclosed.value(s("publisher")).toUInt64(), pub->sessionId());
        QCOMPARE(disclosed.value(s("publisher_authrole")).toString(), s("anonymous"));

        // No history on ordinary subscriptions; unknown IDs.
        auto plainSub = RouterFixture::subscribe(*reader, s("com.nohistory"));
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {plainSub->subscription});
        QCOMPARE(r.error.uri, kHistoryUnavailable);
        r = RouterFixture::call(*reader, s("wamp.subscription.get_events"), {quint64(31337)});
        QCOMPARE(r.error.uri, uris::noSuchSubscription);
        // A realm without any history configured.
        session::SessionOptions o;
        o.realm = s("plain");
        auto other = f.join(o);
        QVERIFY(other);
        r = RouterFixture::call(*other, s("wamp.subscription.get_events"), {hid});
        QCOMPARE(r.error.uri, kHistoryUnavailable);
        r = RouterFixture::call(*other, s("wamp.subscription.lookup"), {s("com.exact")});
        QVERIFY(r.ok && r.value().isNull()); // realms are isolated
        QVERIFY(f.leave(other));
        QVERIFY(f.leave(pub));
        QVERIFY(f.leave(reader));
    }

    void retained()
    {
        auto pub = f.join();
        auto sub = f.join();
        QVERIFY(pub && sub);
        QVERIFY(RouterFixture::publish(*pub, s("com.ret.a"), {1}, {{s("retain"), true}}));
        QVERIFY(RouterFixture::publish(*pub, s("com.ret.a"), {2}, {{s("retain"), true}, {s("disclose_me"), true}}));
        QVERIFY(RouterFixture::publish(*pub, s("com.ret.a"), {3})); // not retained: the retained one stays {2}
        QVERIFY(RouterFixture::publish(*pub, s("com.ret.b"), {10}, {{s("retain"), true}}));

        auto without = RouterFixture::subscribe(*sub, s("com.ret.a"));
        auto with = RouterFixture::subscribe(*sub, s("com.ret.b"), {{s("get_retained"), true}});
        QTRY_COMPARE_WITH_TIMEOUT(with->events.size(), 1, 5000);
        QCOMPARE(with->events.first().args, (List{10}));
        QCOMPARE(with->events.first().details.value(s("retained")), Value(true));

        auto sub2 = f.join();
        QVERIFY(sub2);
        auto exact = RouterFixture::subscribe(*sub2, s("com.ret.a"), {{s("get_retained"), true}});
        QTRY_COMPARE_WITH_TIMEOUT(exact->events.size(), 1, 5000);
        QCOMPARE(exact->events.first().args, (List{2}));
        QCOMPARE(exact->events.first().details.value(s("publisher")).toUInt64(), pub->sessionId());
        auto prefix = RouterFixture::subscribe(*sub2, s("com.ret."), {{s("match"), s("prefix")}, {s("get_retained"), true}});
        QTRY_COMPARE_WITH_TIMEOUT(prefix->events.size(), 2, 5000);
        QStringList topics{prefix->events.at(0).topic, prefix->events.at(1).topic};
        topics.sort();
        QCOMPARE(topics, (QStringList{s("com.ret.a"), s("com.ret.b")}));
        QVERIFY(RouterFixture::barrier(*sub));
        QVERIFY(without->events.isEmpty()); // only asked-for retained events are sent
        QVERIFY(f.leave(sub2));

        // Black/white lists of the retained publication are re-checked for each new subscriber.
        QVERIFY(RouterFixture::publish(*pub, s("com.ret.secret"), {7}, {{s("retain"), true}, {s("eligible_authid"), List{s("nobody")}}}));
        auto denied = RouterFixture::subscribe(*sub, s("com.ret.secret"), {{s("get_retained"), true}});
        QVERIFY(denied->acknowledged && denied->error.isEmpty());
        QVERIFY(RouterFixture::barrier(*sub));
        QVERIFY(denied->events.isEmpty());
        QVERIFY(f.leave(pub));
        QVERIFY(f.leave(sub));
    }

    void retainedIsBounded()
    {
        auto pub = f.join();
        auto sub = f.join();
        QVERIFY(pub && sub);
        // max_retained is 3 in this realm: the oldest retained topics are dropped.
        for (int i = 0; i < 10; ++i)
            QVERIFY(RouterFixture::publish(*pub, s("com.bounded.t%1").arg(i), {i}, {{s("retain"), true}}));
        auto all = RouterFixture::subscribe(*sub, s("com.bounded."), {{s("match"), s("prefix")}, {s("get_retained"), true}});
        QTRY_COMPARE_WITH_TIMEOUT(all->events.size(), 3, 5000);
        List args;
        for (const auto &e : all->events)
            args.append(e.args.value(0));
        QCOMPARE(args, (List{7, 8, 9}));
        QVERIFY(RouterFixture::barrier(*sub));
        QCOMPARE(all->events.size(), 3);
        QVERIFY(f.leave(pub));
        QVERIFY(f.leave(sub));
    }
};

QTEST_GUILESS_MAIN(TstEventHistory)
#include "tst_eventhistory.moc"
