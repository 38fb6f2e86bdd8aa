// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench panels (offscreen) against the built-in router in process: subscribe (event log, topic
// tree, filters, pause, cap, payload viewer, plot), call, publish and register (mock) panels, and the panels in
// the window. Every model runs under QAbstractItemModelTester. The models on their own: tst_models.

#include "fakes/routerfixture.h"
#include "fakes/testutil.h"
#include "windowtest.h"

#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "inspect/receivedevents.h"
#include "mainwindow.h"
#include "panels/panelfactory.h"
#include "models/eventlogmodel.h"
#include "models/topictreemodel.h"
#include "models/valuetreemodel.h"
#include "mock/mockresponder.h"
#include "panels/callpanel.h"
#include "panels/publishpanel.h"
#include "panels/registerpanel.h"
#include "panels/subscribepanel.h"
#include "router/router.h"
#include "router/routerhost.h"
#include "session/session.h"
#include "views/jsoneditor.h"
#include "views/payloadview.h"
#include "views/plotwidget.h"

#include <QAbstractItemModelTester>
#include <QScopeGuard>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace wb;
using wamp::Value;
using wb::testing::RouterFixture;
using wb::testing::s;

namespace {
using Tester = QAbstractItemModelTester;
constexpr auto kMode = QAbstractItemModelTester::FailureReportingMode::QtTest;
} // namespace

class TstPanels : public QObject
{
    Q_OBJECT
private:
    RouterFixture m_f;

    std::unique_ptr<session::Session> join(codec::SerializerId ser = codec::SerializerId::Json)
    {
        return RouterFixture::joinAt(m_f.ws, ser);
    }

private slots:
    void initTestCase() { QVERIFY(m_f.start(router::RouterConfig::defaults())); }
    void cleanupTestCase() { m_f.router.reset(); }

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
        c.url = m_f.ws;
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
        QVERIFY(RouterFixture::barrier(*sub)); // the router has handled the UNSUBSCRIBE
        QVERIFY(RouterFixture::publish(*pub, s("com.test.a"), {1}));
        QVERIFY(RouterFixture::barrier(*sub)); // an EVENT routed to sub would have arrived by now
        panel.refreshNow();
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
    // ---- call panel ----

    void callPanelFlow()
    {
        auto callee = join(codec::SerializerId::Cbor);
        auto me = join();
        QVERIFY(callee && me);
        // a callee with a normal, a progressive, a failing and a slow procedure
        QList<quint64> slowInvocations;
        QSignalSpy dummy(callee.get(), &session::Session::stateChanged);
        int registered = 0;
        session::Session *c = callee.get();
        c->registerProcedure(s("com.calc.add"), {}, [c](const session::InvocationData &inv) {
            c->yield(inv.requestId, {inv.args.value(0).toDouble() + inv.args.value(1).toDouble()}, {{s("caller"), inv.details.value(s("caller"))}});
        }, [&](quint64) { ++registered; }, {});
        c->registerProcedure(s("com.calc.count"), {}, [c](const session::InvocationData &inv) {
            for (int i = 1; i <= 3; ++i)
                c->yield(inv.requestId, {i}, {}, {{s("progress"), Value(true)}});
            c->yield(inv.requestId, {s("done")});
        }, [&](quint64) { ++registered; }, {});
        c->registerProcedure(s("com.calc.fail"), {}, [c](const session::InvocationData &inv) {
            c->yieldError(inv.requestId, s("com.calc.error.overflow"), {s("too big")}, {{s("limit"), Value(10)}});
        }, [&](quint64) { ++registered; }, {});
        c->registerProcedure(s("com.calc.slow"), {}, [&](const session::InvocationData &inv) { slowInvocations.append(inv.requestId); },
                             [&](quint64) { ++registered; }, {},
                             [c](quint64 req, const QString &) { c->yieldError(req, wamp::uris::canceled); });
        QTRY_COMPARE(registered, 4);

        ui::CallPanel panel(me.get());
        panel.show();
        QVERIFY(panel.callButton()->isEnabled());
        QSignalSpy finished(&panel, &ui::CallPanel::finished);

        // completion: from the meta API when the router offers it, else an explanation
        QSignalSpy refreshed(&panel, &ui::CallPanel::registrationsRefreshed);
        panel.refreshRegistrations();
        QTRY_VERIFY(refreshed.size() >= 1);
        if (panel.metaAvailable())
            QTRY_VERIFY(panel.knownProcedures().contains(s("com.calc.add")));
        else
            QVERIFY(panel.metaStatus().contains(s("no registration list")));

        // invalid JSON blocks the call with line/column
        ui::CallPanel::Request r;
        r.procedure = s("com.calc.add");
        r.argsText = s("[1,\n 2");
        panel.setRequest(r);
        QVERIFY(!panel.callButton()->isEnabled());
        QVERIFY(!panel.call());
        QVERIFY(panel.lastError().contains(s("line 2")));

        // result, with disclose_me and an extra option
        r.argsText = s("[1, 2.5]");
        r.discloseMe = true;
        r.extraOptions = s("x_custom=\"yes\"");
        panel.setRequest(r);
        QVERIFY(panel.call());
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(!panel.lastCallFailed());
        QCOMPARE(panel.lastResult().args, (wamp::List{3.5}));
        QCOMPARE(panel.lastResult().kwargs.value(s("caller")).toUInt64().value_or(0), me->sessionId());
        QVERIFY(panel.resultText().contains(s("RESULT after")));
        r.extraOptions = s("no equals sign");
        panel.setRequest(r);
        QVERIFY(!panel.call());
        QVERIFY(panel.lastError().contains(s("key=value")));
        QVERIFY(panel.knownProcedures().contains(s("com.calc.add"))); // from history at least

        // progressive results arrive before the final one
        r = {};
        r.procedure = s("com.calc.count");
        panel.setRequest(r);
        QVERIFY(panel.call());
        QTRY_COMPARE(finished.size(), 2);
        QCOMPARE(panel.progressCount(), 3);
        QCOMPARE(panel.lastResult().args, (wamp::List{s("done")}));
        QVERIFY(panel.resultText().contains(s("progress #3")));

        // error
        r.procedure = s("com.calc.fail");
        panel.setRequest(r);
        QVERIFY(panel.call());
        QTRY_COMPARE(finished.size(), 3);
        QVERIFY(panel.lastCallFailed());
        QCOMPARE(panel.lastWampError().uri, s("com.calc.error.overflow"));
        QCOMPARE(panel.lastWampError().kwargs.value(s("limit")), Value(10));
        QVERIFY(panel.resultText().contains(s("ERROR")));

        // cancel (kill): the callee is interrupted and the caller gets wamp.error.canceled
        r.procedure = s("com.calc.slow");
        panel.setRequest(r);
        QVERIFY(panel.call());
        QTRY_COMPARE(slowInvocations.size(), 1);
        QVERIFY(panel.isPending());
        QVERIFY(panel.cancelButton()->isEnabled());
        panel.cancel(s("kill"));
        QTRY_COMPARE(finished.size(), 4);
        QCOMPARE(panel.lastWampError().uri, wamp::uris::canceled);
        QVERIFY(panel.resultText().contains(s("CANCEL (kill)")));

        // history: newest first, re-run
        QCOMPARE(panel.historyCount(), 4);
        QVERIFY(panel.rerun(3)); // the add call
        QTRY_COMPARE(finished.size(), 5);
        QCOMPARE(panel.lastResult().args, (wamp::List{3.5}));
        QCOMPARE(panel.historyCount(), 4); // same request moved to the top, not duplicated

        me->leave();
        QTRY_VERIFY(!panel.callButton()->isEnabled());
    }

    // ---- publish panel ----

    void publishPanelFlow()
    {
        auto me = join();
        auto listener = join(codec::SerializerId::MsgPack);
        QVERIFY(me && listener);
        QList<session::EventData> events;
        bool subscribed = false;
        listener->subscribe(s("com.pub.t"), {}, [&](const session::EventData &e) { events.append(e); },
                            [&](quint64) { subscribed = true; }, {});
        QTRY_VERIFY(subscribed);

        ui::PublishPanel panel(me.get());
        panel.show();
        panel.setTopic(s("com.pub.t"));
        panel.setArgsText(s("[1, \"two\"]"));
        panel.setKwargsText(s("{\"k\": true}"));
        panel.setAcknowledge(true);
        panel.setDiscloseMe(true);
        QVERIFY(panel.publish());
        QTRY_COMPARE(panel.ackCount(), 1ULL);
        QVERIFY(panel.lastPublicationId() > 0);
        QTRY_COMPARE(events.size(), 1);
        QCOMPARE(events.first().args, (wamp::List{1, s("two")}));
        QCOMPARE(events.first().kwargs.value(s("k")), Value(true));
        QCOMPARE(events.first().details.value(s("publisher")).toUInt64().value_or(0), me->sessionId());
        QVERIFY(panel.statusText().contains(s("1 acknowledged")));

        // exclude list: the listener is excluded, nothing arrives; acknowledge still comes
        panel.setExclude(QString::number(listener->sessionId()));
        QVERIFY(panel.publish());
        QTRY_COMPARE(panel.ackCount(), 1ULL);
        panel.setExclude({});
        panel.setEligible(QString::number(listener->sessionId()));
        // repeat N times every T ms
        panel.setRepeat(5, 10);
        QSignalSpy finished(&panel, &ui::PublishPanel::finished);
        QVERIFY(panel.publish());
        QVERIFY(panel.isRunning());
        QTRY_COMPARE(finished.size(), 1);
        QTRY_COMPARE(panel.ackCount(), 5ULL);
        QTRY_COMPARE(events.size(), 6); // 1 + 0 (excluded) + 5

        // until stopped, as fast as possible, then stop
        panel.setAcknowledge(false);
        panel.setRepeat(0, 0);
        QVERIFY(panel.publish());
        QTRY_VERIFY(panel.sentCount() > 1000);
        panel.stop();
        QVERIFY(!panel.isRunning());
        const quint64 sent = panel.sentCount();
        QTRY_COMPARE(quint64(events.size()), 6 + sent);

        // bad input
        panel.setEligible(s("12, nope"));
        QVERIFY(!panel.publish());
        QVERIFY(panel.lastError().contains(s("nope")));
        panel.setEligible({});
        panel.setTopic(s("com..bad"));
        panel.setAcknowledge(true);
        panel.setRepeat(1, 0);
        QVERIFY(panel.publish());
        QTRY_COMPARE(panel.errorCount(), 1ULL);
        QVERIFY(panel.lastError().contains(s("invalid_uri")));
    }

    // ---- register panel ----

    void registerPanelFlow()
    {
        auto me = join();
        auto caller = join(codec::SerializerId::Cbor);
        QVERIFY(me && caller);
        ui::RegisterPanel panel(me.get());
        panel.show();

        mock::MockSpec spec;
        spec.procedure = s("com.mock.greet");
        spec.mode = mock::MockSpec::Mode::Template;
        spec.argsJson = s("[\"hello {{kwargs.name}}\", \"{{args[0]}}\"]");
        spec.kwargsJson = s("{\"n\": {{args[0]}}}");
        const int row = panel.addMock(spec);
        QCOMPARE(panel.mockCount(), 1);
        panel.setMockEnabled(row, true);
        QTRY_COMPARE(panel.mock(row)->state(), mock::MockResponder::State::Registered);

        bool done = false;
        session::CallResult result;
        caller->call(s("com.mock.greet"), {7}, {{s("name"), Value(s("Ann"))}}, {{s("disclose_me"), Value(true)}},
                     [&](const session::CallResult &r) { result = r; done = true; }, [&](const session::WampError &) { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(result.args, (wamp::List{s("hello Ann"), 7}));
        QCOMPARE(result.kwargs.value(s("n")), Value(7));
        QTRY_COMPARE(panel.invocationLogCount(), 1);
        QCOMPARE(panel.invocationLogText(0, 1), s("com.mock.greet"));
        QCOMPARE(panel.invocationLogText(0, 2), QString::number(caller->sessionId()));
        QCOMPARE(panel.invocationLogText(0, 3), s("[7]"));
        QCOMPARE(panel.invocationLogText(0, 4), s("{\"name\":\"Ann\"}"));
        QVERIFY(panel.invocationLogText(0, 5).startsWith(s("RESULT [\"hello Ann\",7]")));

        // edit the selected mock through the editor: error mode
        mock::MockSpec err = panel.editorSpec();
        err.mode = mock::MockSpec::Mode::Error;
        err.errorUri = s("com.mock.error.denied");
        err.errorArgsJson = s("[\"no\"]");
        panel.setEditorSpec(err);
        QVERIFY(panel.applyEditor());
        done = false;
        QString errUri;
        caller->call(s("com.mock.greet"), {}, {}, {}, [&](const session::CallResult &) { done = true; },
                     [&](const session::WampError &e) { errUri = e.uri; done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(errUri, s("com.mock.error.denied"));
        QTRY_COMPARE(panel.invocationLogCount(), 2);
        QVERIFY(panel.invocationLogText(1, 5).startsWith(s("ERROR com.mock.error.denied")));

        // invalid editor input is refused with the position
        err.errorArgsJson = s("[\"no\"");
        panel.setEditorSpec(err);
        QVERIFY(!panel.applyEditor());
        QVERIFY(panel.lastError().contains(s("line 1")));

        // disable: unregistered, callers get no_such_procedure
        panel.setMockEnabled(row, false);
        QTRY_COMPARE(panel.mock(row)->state(), mock::MockResponder::State::Disabled);
        done = false;
        caller->call(s("com.mock.greet"), {}, {}, {}, [&](const session::CallResult &) { done = true; },
                     [&](const session::WampError &e) { errUri = e.uri; done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(errUri, wamp::uris::noSuchProcedure);

        // a second mock with echo, then remove it
        mock::MockSpec echo;
        echo.procedure = s("com.mock.echo");
        echo.mode = mock::MockSpec::Mode::Echo;
        const int r2 = panel.addMock(echo);
        panel.setMockEnabled(r2, true);
        QTRY_COMPARE(panel.mock(r2)->state(), mock::MockResponder::State::Registered);
        panel.removeMock(r2);
        QCOMPARE(panel.mockCount(), 1);
        done = false;
        caller->call(s("com.mock.echo"), {}, {}, {}, [&](const session::CallResult &) { done = true; },
                     [&](const session::WampError &e) { errUri = e.uri; done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(errUri, wamp::uris::noSuchProcedure);
    }
    // ---- in the window: what a new user does ----

    void panelsInTheWindow()
    {
        QTemporaryDir dir;
        QSettings settings(dir.filePath(s("settings.ini")), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::ConnectionWorkspace::setPanelFactory(&ui::panels::install);
        // The window talks to the built-in router through a RouterHost; join() reaches the same router.
        router::RouterHost host;
        const QUrl hostUrl = testing::startHost(host, testing::windowRouterConfig());
        QVERIFY(hostUrl.isValid() && host.isListening());
        const QUrl sharedUrl = m_f.ws;
        m_f.ws = hostUrl;
        auto restoreUrl = qScopeGuard([&] { m_f.ws = sharedUrl; });
        ui::MainWindow w(&host, o);
        w.show();
        client::Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        QVERIFY(local);
        QTRY_COMPARE(local->state(), client::Connection::State::Connected);
        ui::ConnectionWorkspace *ws = w.workspace(local);
        QVERIFY(ws);
        const QStringList titles = ui::ConnectionWorkspace::standardPanelTitles();
        auto *sub = qobject_cast<ui::SubscribePanel *>(ws->panel(titles.at(0)));
        auto *call = qobject_cast<ui::CallPanel *>(ws->panel(titles.at(1)));
        auto *pub = qobject_cast<ui::PublishPanel *>(ws->panel(titles.at(2)));
        auto *reg = qobject_cast<ui::RegisterPanel *>(ws->panel(titles.at(3)));
        QVERIFY(sub && call && pub && reg);
        QCOMPARE(ws->tabs()->count(), titles.size() + 1); // the four panels + the Router tab (meta API)

        // subscribe, and see events published by another client
        QTRY_VERIFY(sub->subscribeButton()->isEnabled());
        sub->subscribeTo(s("com.demo"), s("prefix"));
        QTRY_COMPARE(sub->subscriptionCount(), 1);
        auto other = join();
        QVERIFY(other);
        other->publish(s("com.demo.hello"), {s("hi")}, {}, {});
        QTRY_COMPARE(sub->allEventsModel()->rowCount(), 1);

        // the window's own publish panel reaches the same subscription when exclude_me is off
        pub->setTopic(s("com.demo.self"));
        pub->setArgsText(s("[1]"));
        pub->setExcludeMe(false);
        QVERIFY(pub->publish());
        QTRY_COMPARE(sub->allEventsModel()->rowCount(), 2);

        // a mock, called from the call panel
        mock::MockSpec spec;
        spec.procedure = s("com.demo.add");
        spec.mode = mock::MockSpec::Mode::Template;
        spec.argsJson = s("[\"sum of {{args}}\"]");
        reg->setMockEnabled(reg->addMock(spec), true);
        QTRY_COMPARE(reg->mock(0)->state(), mock::MockResponder::State::Registered);
        QSignalSpy finished(call, &ui::CallPanel::finished);
        ui::CallPanel::Request r;
        r.procedure = s("com.demo.add");
        r.argsText = s("[1, 2]");
        call->setRequest(r);
        QVERIFY(call->call());
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(call->lastResult().args, (wamp::List{s("sum of [1,2]")}));
        QTRY_COMPARE(reg->invocationLogCount(), 1);
        ui::ConnectionWorkspace::setPanelFactory(nullptr);
    }
    void reconnectRestoresSubscriptionsAndMocks()
    {
        auto me = join();
        auto other = join();
        QVERIFY(me && other);
        ui::SubscribePanel sub(me.get());
        ui::RegisterPanel reg(me.get());
        sub.subscribeTo(s("com.re.t"));
        QTRY_COMPARE(sub.subscriptionCount(), 1);
        mock::MockSpec spec;
        spec.procedure = s("com.re.p");
        spec.argsJson = s("[1]");
        reg.setMockEnabled(reg.addMock(spec), true);
        QTRY_COMPARE(reg.mock(0)->state(), mock::MockResponder::State::Registered);

        // the same Session object reconnects (as a Connection does)
        QSignalSpy left(me.get(), &session::Session::left);
        me->disconnectNow(s("test"));
        QTRY_COMPARE(left.size(), 1);
        QCOMPARE(sub.subscriptionCount(), 0);
        QTRY_COMPARE(reg.mock(0)->state(), mock::MockResponder::State::Disabled);
        transport::ConnectOptions c;
        c.url = m_f.ws;
        me->open(c, {});
        QTRY_COMPARE(sub.subscriptionCount(), 1);
        QTRY_COMPARE(reg.mock(0)->state(), mock::MockResponder::State::Registered);
        other->publish(s("com.re.t"), {1}, {}, {});
        QTRY_COMPARE(sub.subscriptionModel(sub.subscriptionId(0))->rowCount(), 1);
        bool done = false;
        session::CallResult res;
        other->call(s("com.re.p"), {}, {}, {}, [&](const session::CallResult &r) { res = r; done = true; }, [&](const session::WampError &) { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(res.args, (wamp::List{1}));
    }
};

QTEST_MAIN(TstPanels)
#include "tst_panels.moc"
