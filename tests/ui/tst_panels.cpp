// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench panels (offscreen) against the built-in router in process: subscribe (event log, topic
// tree, filters, pause, cap, payload viewer, plot), call, publish and register (mock) panels. Every model
// runs under QAbstractItemModelTester.

#include "inspect/eventstore.h"
#include "models/eventlogmodel.h"
#include "models/topictreemodel.h"
#include "models/valuetreemodel.h"
#include "panels/subscribepanel.h"
#include "router/router.h"
#include "session/session.h"
#include "views/jsoneditor.h"
#include "views/payloadview.h"
#include "views/plotwidget.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace wb;
using wamp::Value;

namespace {
QString s(const char *t) { return QString::fromUtf8(t); }
using Tester = QAbstractItemModelTester;
constexpr auto kMode = QAbstractItemModelTester::FailureReportingMode::QtTest;
} // namespace

class TstPanels : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<router::Router> m_router;
    QUrl m_url;

    std::unique_ptr<session::Session> join(codec::SerializerId ser = codec::SerializerId::Json)
    {
        auto sess = std::make_unique<session::Session>();
        QSignalSpy joined(sess.get(), &session::Session::joined);
        transport::ConnectOptions c;
        c.url = m_url;
        c.serializer = ser;
        sess->open(c, {});
        if (!QTest::qWaitFor([&] { return !joined.isEmpty(); }, 5000))
            return nullptr;
        return sess;
    }

private slots:
    void initTestCase()
    {
        router::RouterConfig cfg = router::RouterConfig::defaults();
        cfg.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}};
        m_router = std::make_unique<router::Router>(cfg);
        QVERIFY(m_router->start().ok());
        m_url = m_router->listeningUrls().first();
    }
    void cleanupTestCase() { m_router.reset(); }

    // ---- models on their own ----

    void eventLogModelCapAndFilter()
    {
        inspect::EventStore store(100);
        ui::EventLogModel all(&store);
        ui::EventLogModel filtered(&store);
        Tester t1(&all, kMode);
        Tester t2(&filtered, kMode);
        inspect::EventFilter f;
        f.search = s("7$");
        f.searchIsRegex = true;
        filtered.setFilter(f);
        for (int i = 0; i < 1000; ++i) {
            store.append(i, 1, s("t.%1").arg(i % 10), 0, wamp::List{i}, {});
            if (i % 97 == 0) {
                all.refresh();
                filtered.refresh();
            }
        }
        all.refresh();
        filtered.refresh();
        QCOMPARE(all.rowCount(), 100);
        QCOMPARE(all.seqAt(0), quint64(900));
        QCOMPARE(all.index(99, ui::EventLogModel::TopicColumn).data().toString(), s("t.9"));
        QCOMPARE(all.index(99, ui::EventLogModel::PayloadColumn).data().toString(), s("[999]"));
        // topics t.7 (and payloads ending in 7) among the last 100
        QCOMPARE(filtered.rowCount(), 10);
        for (int r = 0; r < filtered.rowCount(); ++r)
            QCOMPARE(filtered.index(r, ui::EventLogModel::TopicColumn).data().toString(), s("t.7"));
        // paused: new events wait, dropped ones still go
        all.setPaused(true);
        for (int i = 0; i < 30; ++i)
            store.append(2000 + i, 1, s("t.x"), 0, {}, {});
        all.refresh();
        QCOMPARE(all.rowCount(), 70);
        all.setPaused(false);
        all.refresh();
        QCOMPARE(all.rowCount(), 100);
        store.clear();
        all.resetFromStore();
        QCOMPARE(all.rowCount(), 0);
    }

    void topicTreeModel()
    {
        inspect::EventStore store;
        ui::TopicTreeModel m(&store);
        Tester t(&m, kMode);
        store.append(1, 1, s("com.a.x"), 0, {1}, {});
        store.append(2, 1, s("com.a.y"), 0, {2}, {});
        store.append(3, 1, s("com.a.x"), 0, {3}, {});
        store.append(4, 1, s("org.b"), 0, {4}, {});
        m.refresh();
        QCOMPARE(m.rowCount(), 2); // com, org
        const QModelIndex x = m.indexOfTopic(s("com.a.x"));
        QVERIFY(x.isValid());
        QCOMPARE(x.siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 2ULL);
        QCOMPARE(x.siblingAtColumn(ui::TopicTreeModel::LastPayloadColumn).data().toString(), s("[3]"));
        QCOMPARE(x.parent().siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 3ULL); // com.a
        QCOMPARE(x.data(ui::TopicTreeModel::TopicRole).toString(), s("com.a.x"));
        store.clear();
        m.refresh();
        QCOMPARE(m.rowCount(), 0);
    }

    void valueTreeModel()
    {
        ui::ValueTreeModel m;
        Tester t(&m, kMode);
        m.setValue(Value(wamp::Dict{{s("args"), Value(wamp::List{1, Value::bytes("\x01\xff")})},
                                    {s("kwargs"), Value(wamp::Dict{{s("n"), Value(s("x"))}})}}));
        QCOMPARE(m.rowCount(), 2);
        const QModelIndex args = m.index(0, 0);
        QCOMPARE(args.data().toString(), s("args"));
        QCOMPARE(m.rowCount(args), 2);
        QCOMPARE(m.index(1, ui::ValueTreeModel::ValueColumn, args).data().toString(), s("0x01ff"));
        QCOMPARE(m.index(1, ui::ValueTreeModel::TypeColumn, args).data().toString(), Value::kindName(Value::Kind::Bytes));
    }

    void jsonEditor()
    {
        ui::JsonEditor e(ui::JsonEditor::Expect::Array);
        QVERIFY(e.isValid()); // blank = no args
        QSignalSpy validity(&e, &ui::JsonEditor::validityChanged);
        e.setText(s("[1,\n  2,,]"));
        QVERIFY(!e.isValid());
        QVERIFY2(e.errorText().startsWith(s("line 2, column 5")), qPrintable(e.errorText()));
        QCOMPARE(validity.size(), 1);
        e.setText(s("{\"a\": 1}"));
        QVERIFY(!e.isValid());
        QVERIFY(e.errorText().contains(s("array")));
        e.setText(s("[1, \"two\"]"));
        QVERIFY(e.isValid());
        QCOMPARE(e.value(), Value(wamp::List{1, s("two")}));
        e.setValidationEnabled(false);
        e.setText(s("[\"{{args[0]}}\""));
        QVERIFY(e.isValid());
    }

    // ---- subscribe panel ----

    void subscribePanelFlow()
    {
        auto sub = std::make_unique<session::Session>();
        ui::SubscribePanel panel(sub.get());
        panel.show();
        QVERIFY(!panel.subscribeButton()->isEnabled()); // not joined yet
        Tester tAll(panel.allEventsModel(), kMode);
        Tester tTopics(panel.topicTreeModel(), kMode);
        Tester tValue(panel.payloadView()->treeModel(), kMode);
        QSignalSpy joined(sub.get(), &session::Session::joined);
        transport::ConnectOptions c;
        c.url = m_url;
        sub->open(c, {});
        QTRY_COMPARE(joined.size(), 1);
        QTRY_VERIFY(panel.subscribeButton()->isEnabled());

        // subscribe through the UI: type a topic, pick prefix, click
        panel.topicEdit()->setText(s("com.test"));
        panel.subscribeTo(s("com.test"), s("prefix"));
        QTRY_COMPARE(panel.subscriptionCount(), 1);
        const quint64 subId = panel.subscriptionId(0);
        ui::EventLogModel *subModel = panel.subscriptionModel(subId);
        QVERIFY(subModel);
        Tester tSub(subModel, kMode);
        QVERIFY(panel.setPlotPath(s("kwargs.temp")));
        QString err;
        QVERIFY(!panel.setPlotPath(s("kwargs..x"), &err));
        QVERIFY(!err.isEmpty());
        QVERIFY(panel.setPlotPath(s("kwargs.temp")));

        auto pub = join(codec::SerializerId::MsgPack);
        QVERIFY(pub);
        const wamp::Dict disclose{{s("disclose_me"), Value(true)}};
        for (int i = 0; i < 3; ++i)
            pub->publish(i == 1 ? s("com.test.b") : s("com.test.a"), {i}, {{s("temp"), Value(20.5 + i)}}, disclose);
        QTRY_COMPARE(panel.allEventsModel()->rowCount(), 3);
        QTRY_COMPARE(subModel->rowCount(), 3);
        ui::EventLogModel *m = panel.allEventsModel();
        QCOMPARE(m->index(0, ui::EventLogModel::TopicColumn).data().toString(), s("com.test.a"));
        QCOMPARE(m->index(1, ui::EventLogModel::TopicColumn).data().toString(), s("com.test.b")); // details.topic
        QCOMPARE(m->index(0, ui::EventLogModel::PublisherColumn).data().toString(), QString::number(pub->sessionId()));
        QVERIFY(m->index(2, ui::EventLogModel::PayloadColumn).data().toString().contains(s("22.5")));
        QVERIFY(m->index(0, ui::EventLogModel::SizeColumn).data().toInt() > 10);

        // topic tree: com > test > a (2 events), b (1)
        QTRY_VERIFY(panel.topicTreeModel()->indexOfTopic(s("com.test.a")).isValid());
        const QModelIndex a = panel.topicTreeModel()->indexOfTopic(s("com.test.a"));
        QTRY_COMPARE(a.siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 2ULL);
        QCOMPARE(a.parent().siblingAtColumn(ui::TopicTreeModel::CountColumn).data().toULongLong(), 3ULL);

        // plot got the three temperatures
        QTRY_COMPARE(panel.plot()->pointCount(), 3);
        QCOMPARE(panel.plot()->lastValue(), 22.5);

        // payload viewer: tree + raw
        panel.showPayloadOfRow(0);
        QCOMPARE(panel.payloadView()->treeModel()->rowCount(), 2); // args, kwargs
        QVERIFY(panel.payloadView()->rawText().contains(s("\"temp\": 20.5")));

        // search (text, regex) and filters
        panel.setSearch(s("TEST.B"), false);
        QTRY_COMPARE(m->rowCount(), 1);
        panel.setSearch(s("temp\\W+2[01]\\.5"), true);
        QTRY_COMPARE(m->rowCount(), 2);
        panel.setSearch(s("(["), true);
        QVERIFY(panel.lastError().contains(s("regular expression")));
        QTRY_COMPARE(m->rowCount(), 0);
        panel.setSearch({}, false);
        panel.setFilters(s("test.a"), 0, {});
        QTRY_COMPARE(m->rowCount(), 2);
        panel.setFilters({}, pub->sessionId() + 1, {});
        QTRY_COMPARE(m->rowCount(), 0);
        panel.setFilters({}, pub->sessionId(), s("21.5"));
        QTRY_COMPARE(m->rowCount(), 1);
        panel.setFilters({}, 0, {});
        QTRY_COMPARE(m->rowCount(), 3);

        // pause: events are stored but not shown until resumed
        panel.setPaused(true);
        pub->publish(s("com.test.c"), {9}, {}, {});
        QTRY_COMPARE(panel.store().size(), 4);
        panel.refreshNow();
        QCOMPARE(m->rowCount(), 3);
        panel.setPaused(false);
        QTRY_COMPARE(m->rowCount(), 4);

        // cap: only the newest stay
        panel.setCap(2);
        QTRY_COMPARE(m->rowCount(), 2);
        QCOMPARE(m->index(1, ui::EventLogModel::TopicColumn).data().toString(), s("com.test.c"));

        // clear
        panel.clearEvents();
        QCOMPARE(m->rowCount(), 0);
        QCOMPARE(panel.topicTreeModel()->rowCount(), 0);

        // unsubscribe: no more events
        panel.unsubscribeRow(0);
        QCOMPARE(panel.subscriptionCount(), 0);
        bool acked = false;
        pub->publish(s("com.test.a"), {1}, {}, {{s("acknowledge"), Value(true)}}, [&](quint64) { acked = true; });
        QTRY_VERIFY(acked);
        QTest::qWait(3 * ui::SubscribePanel::kRefreshMs);
        QCOMPARE(m->rowCount(), 0);

        // leaving disables the actions
        sub->leave();
        QTRY_VERIFY(!panel.subscribeButton()->isEnabled());
    }

    void subscribeErrors()
    {
        auto sub = join();
        QVERIFY(sub);
        ui::SubscribePanel panel(sub.get());
        QSignalSpy failed(&panel, &ui::SubscribePanel::subscribeFailed);
        panel.subscribeTo(s("com..bad"), s("exact"));
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(panel.lastError().contains(s("invalid_uri")));
        panel.subscribeTo(s("com.ok"), s("exact"));
        QTRY_COMPARE(panel.subscriptionCount(), 1);
        panel.subscribeTo(s("com.ok"), s("exact"));
        QCOMPARE(failed.size(), 2);
        QVERIFY(panel.lastError().contains(s("Already")));
    }
};

QTEST_MAIN(TstPanels)
#include "tst_panels.moc"
