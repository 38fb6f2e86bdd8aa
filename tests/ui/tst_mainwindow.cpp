// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench window against the built-in router on its RouterHost thread (offscreen): first start (the router
// runs and "Local router" connects once it listens), the router panel follows sessions, visible auto-reconnect,
// the traffic log correlates a CALL with its INVOCATION/YIELD/RESULT, panels plug into the workspace, and the
// window state/theme come back after a restart. Profiles, secrets and the profile dialog: tst_windowprofiles.

#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "panels/metamonitor.h"
#include "dialogs/profiledialog.h"
#include "fakes/routerfixture.h"
#include "router/routerhost.h"
#include "windowtest.h"
#include "panels/routerpanel.h"
#include "session/session.h"
#include "panels/trafficlogpanel.h"
#include "models/trafficmodel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QGroupBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTcpSocket>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTableView>
#include <QTreeWidget>
#include <QTest>

using namespace wb;
using client::Connection;
using settings::ConnectionProfile;
using testing::startHost;

class TstMainWindow : public QObject
{
    Q_OBJECT

    testing::SettingsFiles m_files;

    QString freshSettingsPath() { return m_files.fresh(); }

private slots:
    void firstStartConnectsLocalRouter()
    {
        // As in the app: the window is built while the router thread is still starting (port 0 here).
        router::RouterHost r;
        QSignalSpy started(&r, &router::RouterHost::started);
        r.start(testing::windowRouterConfig());
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(&r, env.options);
        w.show();

        Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        QVERIFY(local);
        QCOMPARE(local->profile().name, QStringLiteral("Local router"));
        QCOMPARE(w.currentConnection(), local);
        QVERIFY(started.wait(10000));
        QCOMPARE(local->profile().url, r.snapshot().urls.first()); // it waited for the real port
        QTRY_COMPARE(local->state(), Connection::State::Connected);
        QTRY_COMPARE(r.snapshot().sessionCount, 1);
        QVERIFY2(w.statusText().contains(QStringLiteral("Realm: realm1")), qPrintable(w.statusText()));
        QVERIFY(w.statusText().contains(QStringLiteral("Serializer: json")));
        QTRY_VERIFY2(w.statusText().contains(QStringLiteral(" ms (probe)")), qPrintable(w.statusText()));
        // the probe can be switched off (View menu); the choice is kept
        QAction *probe = nullptr;
        for (QAction *a : w.findChildren<QAction *>()) {
            if (a->text().contains(QStringLiteral("round-trip")))
                probe = a;
        }
        QVERIFY(probe);
        probe->setChecked(false);
        QVERIFY(w.statusText().contains(QStringLiteral("RTT: off")));
        QCOMPARE(env.settings.value(QStringLiteral("view/rttProbe")).toBool(), false);
        probe->setChecked(true);

        // one tab per panel, placeholders until the panels land
        ui::ConnectionWorkspace *ws = w.workspace(local);
        QVERIFY(ws);
        QCOMPARE(ws->session(), local->session());
        QCOMPARE(ws->tabs()->count(), 5);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(ws->tabs()->tabText(i), ui::ConnectionWorkspace::standardPanelTitles().at(i));
        QCOMPARE(ws->tabs()->tabText(4), QStringLiteral("Router"));
        auto *panel = new QLabel(QStringLiteral("real call panel"));
        ws->addPanel(panel, QStringLiteral("Call"));
        QCOMPARE(ws->tabs()->count(), 5);
        QCOMPARE(ws->panel(QStringLiteral("Call")), panel);
        ws->showPanel(QStringLiteral("Call"));
        QCOMPARE(ws->tabs()->currentWidget(), panel);

        // the traffic log saw HELLO and WELCOME
        w.trafficLog()->flush();
        QVERIFY(w.trafficLog()->model()->rowCount() >= 2);
        QCOMPARE(w.trafficLog()->model()->index(0, ui::TrafficModel::Type).data().toString(), QStringLiteral("HELLO"));

        // the profile was saved
        QVERIFY(settings::ProfileStore(&env.settings).hasSavedProfiles());
        QCOMPARE(settings::ProfileStore(&env.settings).load().size(), 1);
    }

    void routerPanelFollowsMetaApi()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(&r, env.options);
        w.show();
        w.selectRouter();
        ui::MetaMonitor *m = w.routerPanel()->monitor();
        QAbstractItemModelTester t1(m->sessionsView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(m->subscriptionsView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(m->registrationsView()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        QCOMPARE(m->session(), local->session());
        QTRY_VERIFY(m->isActive());
        QTRY_COMPARE(w.sessionRowCount(), 1); // the Local router connection itself, via wamp.session.list/get

        // another client comes and goes: wamp.session.on_join / on_leave
        testing::RouterFixture other; // its join helper, against the window's built-in router
        other.ws = r.snapshot().urls.first();
        std::unique_ptr<session::Session> joined = other.join();
        QVERIFY(joined);
        session::Session &s = *joined;
        QTRY_COMPARE(w.sessionRowCount(), 2);
        const int logBefore = w.logLineCount();

        // its subscription and registration appear, with their subscriber/callee counts
        s.subscribe(QStringLiteral("com.example.topic"), {}, [](const session::EventData &) {}, {}, {});
        s.registerProcedure(QStringLiteral("com.example.proc"), {}, [](const session::InvocationData &) {}, {}, {});
        auto rowWith = [](QTreeWidget *t, int col, const QString &text) -> QTreeWidgetItem * {
            for (int i = 0; i < t->topLevelItemCount(); ++i) {
                if (t->topLevelItem(i)->text(col) == text)
                    return t->topLevelItem(i);
            }
            return nullptr;
        };
        QTRY_VERIFY(rowWith(m->subscriptionsView(), 1, QStringLiteral("com.example.topic")));
        QTRY_COMPARE(rowWith(m->subscriptionsView(), 1, QStringLiteral("com.example.topic"))->text(3), QStringLiteral("1"));
        QTRY_VERIFY(rowWith(m->registrationsView(), 1, QStringLiteral("com.example.proc")));
        QTRY_COMPARE(rowWith(m->registrationsView(), 1, QStringLiteral("com.example.proc"))->text(4), QStringLiteral("1"));
        QVERIFY(rowWith(m->sessionsView(), 4, QStringLiteral("json")));
        m->refresh(); // a full reload gives the same picture
        QTRY_VERIFY(rowWith(m->registrationsView(), 1, QStringLiteral("com.example.proc")));
        QTRY_COMPARE(w.sessionRowCount(), 2);

        // kill it through wamp.session.kill
        QSignalSpy left(&s, &session::Session::left);
        m->killSession(s.sessionId());
        QTRY_COMPARE(left.size(), 1);
        QTRY_COMPARE(w.sessionRowCount(), 1);
        QTRY_VERIFY(!rowWith(m->registrationsView(), 1, QStringLiteral("com.example.proc")));
        QVERIFY(w.logLineCount() > logBefore); // the router log saw the join and the leave

        // stop and start from the router panel; the monitor comes back with the reconnect
        local->setReconnectPolicy(client::ReconnectPolicy{100, 2.0, 400, 0});
        w.routerPanel()->stopRouter();
        QTRY_VERIFY(!r.isListening());
        QTRY_COMPARE(w.sessionRowCount(), 0);
        w.routerPanel()->startRouter();
        QTRY_VERIFY(r.isListening());
        QTRY_COMPARE_WITH_TIMEOUT(w.sessionRowCount(), 1, 5000);
    }

    void routerLogReachesThePanel()
    {
        // Lines the router logs on its thread (here: a connection with a bad RawSocket handshake) arrive in the
        // router panel's log, batched.
        router::RouterConfig cfg = testing::windowRouterConfig();
        cfg.listeners.append(router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))});
        router::RouterHost r;
        QVERIFY(startHost(r, cfg).isValid());
        QUrl rs;
        for (const QUrl &u : r.snapshot().urls) {
            if (u.scheme() == QStringLiteral("rs"))
                rs = u;
        }
        QVERIFY(rs.isValid());
        testing::WindowEnv env(freshSettingsPath());
        env.options.connectOnStart = false;
        ui::MainWindow w(&r, env.options);
        auto *log = w.routerPanel()->findChild<QPlainTextEdit *>();
        QVERIFY(log);
        QVERIFY(!log->toPlainText().contains(QStringLiteral("rejected")));
        QTcpSocket bad;
        bad.connectToHost(QHostAddress::LocalHost, quint16(rs.port()));
        bad.write("GET / HTTP/1.1\r\n\r\n");
        QTRY_VERIFY2(log->toPlainText().contains(QStringLiteral("rejected")), qPrintable(log->toPlainText()));
    }

    void withoutRouter()
    {
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(nullptr, env.options);
        w.show();
        QCOMPARE(w.sessionRowCount(), 0);
        QVERIFY(w.connections().isEmpty()); // no Local router profile without a router
        QVERIFY(!w.currentConnection());
        w.appendLog(QStringLiteral("hello"));
        QVERIFY(w.logLineCount() >= 1);
    }

    void reconnectIsVisible()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(&r, env.options);
        Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        client::ReconnectPolicy fast;
        fast.initialDelayMs = 200;
        fast.maxDelayMs = 400;
        local->setReconnectPolicy(fast);
        QTRY_COMPARE(local->state(), Connection::State::Connected);
        w.routerPanel()->stopRouter();
        QTRY_COMPARE(local->state(), Connection::State::WaitingToReconnect);
        QVERIFY2(w.statusText().contains(QStringLiteral("reconnecting in")), qPrintable(w.statusText()));
        w.routerPanel()->startRouter();
        QTRY_COMPARE_WITH_TIMEOUT(local->state(), Connection::State::Connected, 5000);
        QVERIFY(w.statusText().contains(QStringLiteral("connected")));
        // cancel
        w.routerPanel()->stopRouter();
        QTRY_COMPARE(local->state(), Connection::State::WaitingToReconnect);
        local->cancelReconnect();
        QCOMPARE(local->state(), Connection::State::Disconnected);
        QVERIFY(w.statusText().contains(QStringLiteral("reconnect canceled")));
    }

    void trafficLogCorrelatesCalls()
    {
        router::RouterHost r;
        QVERIFY(startHost(r).isValid());
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(&r, env.options);
        ui::TrafficLogPanel *log = w.trafficLog();
        QAbstractItemModelTester tester(log->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester ftester(log->filterModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        Connection *caller = w.connection(ui::MainWindow::localRouterProfileId());
        ConnectionProfile p = caller->profile();
        p.id.clear();
        p.name = QStringLiteral("Mock callee");
        p.serializer = QStringLiteral("msgpack");
        Connection *callee = w.addProfile(p);
        w.connectTo(callee);
        QTRY_COMPARE(caller->state(), Connection::State::Connected);
        QTRY_COMPARE(callee->state(), Connection::State::Connected);
        caller->setRttProbeInterval(0);
        callee->setRttProbeInterval(0);

        bool registered = false;
        callee->session()->registerProcedure(
            QStringLiteral("com.example.add"), {},
            [callee](const session::InvocationData &inv) {
                callee->session()->yield(inv.requestId, {inv.args.value(0).toInt64().value_or(0) + inv.args.value(1).toInt64().value_or(0)});
            },
            [&](quint64) { registered = true; }, {});
        QTRY_VERIFY(registered);
        wamp::List result;
        caller->session()->call(QStringLiteral("com.example.add"), {2, 3}, {}, {},
                                [&](const session::CallResult &res) { result = res.args; }, {});
        QTRY_COMPARE(result, (wamp::List{5}));
        log->flush();

        // find the CALL
        capture::CaptureStore *store = log->store();
        quint64 callSeq = 0;
        for (quint64 s = store->firstSeq(); s < store->nextSeq(); ++s) {
            if (store->at(s).type == quint8(wamp::MessageType::Call) && store->uri(store->at(s).uri) == QStringLiteral("com.example.add"))
                callSeq = s;
        }
        QVERIFY(callSeq);
        QVERIFY(log->selectSeq(callSeq));
        const QList<quint64> linked = log->linkedSeqs();
        QStringList types;
        for (quint64 s : linked)
            types << wamp::Message::typeName(qint64(store->at(s).type));
        QCOMPARE(types, (QStringList{QStringLiteral("CALL"), QStringLiteral("INVOCATION"), QStringLiteral("YIELD"),
                                     QStringLiteral("RESULT")}));
        QVERIFY2(log->linkedSummary().contains(QStringLiteral("Call round trip")), qPrintable(log->linkedSummary()));
        QVERIFY(log->detailJson().contains(QStringLiteral("\"com.example.add\"")));
        QVERIFY(log->detailHex().startsWith(QStringLiteral("000000  ")));
        // INVOCATION and YIELD were on the msgpack connection
        QCOMPARE(store->at(linked.at(1)).serializer, quint8(codec::SerializerId::MsgPack));
        QCOMPARE(store->connectionName(store->at(linked.at(1)).connection), QStringLiteral("Mock callee"));

        // filters: the view switches to the proxy while one is set
        QCOMPARE(log->view()->model(), log->model());
        log->setTypeFilter(int(wamp::MessageType::Invocation));
        QCOMPARE(log->view()->model(), log->filterModel());
        QCOMPARE(log->filterModel()->rowCount(), 1);
        QVERIFY(log->selectSeq(linked.at(1)));
        QVERIFY(!log->selectSeq(callSeq)); // filtered out
        log->setTypeFilter(0);
        log->setTextFilter(QStringLiteral("com.example.add"));
        QCOMPARE(log->filterModel()->rowCount(), 4); // REGISTER, REGISTERED, CALL, INVOCATION
        log->setTextFilter(QString());
        log->setConnectionFilter(store->at(linked.at(1)).connection);
        QVERIFY(log->filterModel()->rowCount() >= 6); // HELLO, WELCOME, REGISTER, REGISTERED, INVOCATION, YIELD
        log->setConnectionFilter(-1);
        QCOMPARE(log->view()->model(), log->model());
        QVERIFY(log->selectSeq(callSeq));

        // pause: new messages wait, then appear; the cap bounds the rows
        log->setPaused(true);
        const int rows = log->model()->rowCount();
        const quint64 seqBefore = store->nextSeq();
        // an acknowledged publication: once PUBLISHED is back, PUBLISH and PUBLISHED are both in the store
        bool published = false;
        caller->session()->publish(QStringLiteral("t"), {}, {}, {{QStringLiteral("acknowledge"), true}},
                                   [&](quint64) { published = true; });
        QTRY_VERIFY(published);
        QTRY_VERIFY(store->nextSeq() >= seqBefore + 2);
        log->flush(); // what the refresh timer does: while paused it must not show them
        QCOMPARE(log->model()->rowCount(), rows);
        log->setPaused(false);
        QTRY_VERIFY(log->model()->rowCount() > rows);
        log->setCapacity(3);
        QCOMPARE(log->model()->rowCount(), 3);
        log->clear();
        QCOMPARE(log->model()->rowCount(), 0);
    }

    void quitEndsEverySessionAndJoinsTheRouterThread()
    {
        // What app/main.cpp does on quit: the window closes (its connections leave), then the host shuts down.
        auto r = std::make_unique<router::RouterHost>();
        const QUrl url = startHost(*r);
        QVERIFY(url.isValid());
        testing::WindowEnv env(freshSettingsPath());
        ui::MainWindow w(r.get(), env.options);
        w.show();
        Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        QTRY_COMPARE(local->state(), Connection::State::Connected);
        testing::RouterFixture client;
        client.ws = url;
        std::unique_ptr<session::Session> external = client.join();
        QVERIFY(external);
        QTRY_COMPARE(r->snapshot().sessionCount, 2);
        QSignalSpy left(external.get(), &session::Session::left);
        w.close();
        QVERIFY(r->shutdown());
        QVERIFY(!r->isThreadRunning());
        QCOMPARE(left.size(), 1);
        QCOMPARE(left.first().at(0).toString(), wamp::uris::closeSystemShutdown);
        QVERIFY(local->state() != Connection::State::Connected);
    }

    void windowStateAndThemeRestored()
    {
        const QString path = freshSettingsPath();
        settings::MemorySecretStore secrets;
        {
            QSettings settings(path, QSettings::IniFormat);
            ui::MainWindowOptions o;
            o.settings = &settings;
            o.secrets = &secrets;
            ui::MainWindow w(nullptr, o);
            w.show();
            w.setTheme(ui::MainWindow::Theme::Dark);
            w.findChild<QDockWidget *>(QStringLiteral("TrafficDock"))->hide();
            w.resize(1000, 640);
            w.close();
        }
        QSettings settings(path, QSettings::IniFormat);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(nullptr, o);
        w.show();
        QCOMPARE(w.theme(), ui::MainWindow::Theme::Dark);
        QVERIFY(w.findChild<QDockWidget *>(QStringLiteral("TrafficDock"))->isHidden());
        QCOMPARE(w.width(), 1000);
        QVERIFY2(qAbs(w.height() - 640) <= 20, qPrintable(QString::number(w.height()))); // platform frame rounding
        w.setTheme(ui::MainWindow::Theme::System);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
