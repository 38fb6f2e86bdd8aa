// SPDX-License-Identifier: GPL-3.0-or-later
// The workbench window against the built-in router in process (offscreen): first start (the router runs and
// "Local router" connects), the router panel follows sessions, profiles persist without secrets, the no-keychain
// path, visible auto-reconnect, the traffic log correlates a CALL with its INVOCATION/YIELD/RESULT, panels plug
// into the workspace, and the window state/theme come back after a restart.

#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "panels/metamonitor.h"
#include "dialogs/profiledialog.h"
#include "router/router.h"
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

namespace {

router::RouterConfig routerConfig(quint16 port = 0)
{
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port))}};
    router::UserConfig alice;
    alice.authid = QStringLiteral("alice");
    alice.authmethod = QStringLiteral("ticket");
    alice.secret = QStringLiteral("s3cret");
    cfg.users = {alice};
    return cfg;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstMainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;

    QString freshSettingsPath() { return m_dir.filePath(QStringLiteral("settings%1.ini").arg(++m_n)); }

private slots:
    void firstStartConnectsLocalRouter()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(&r, o);
        w.show();

        Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
        QVERIFY(local);
        QCOMPARE(local->profile().name, QStringLiteral("Local router"));
        QCOMPARE(local->profile().url, r.listeningUrls().first());
        QCOMPARE(w.currentConnection(), local);
        QTRY_COMPARE(local->state(), Connection::State::Connected);
        QTRY_COMPARE(r.sessionCount(), 1);
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
        QCOMPARE(settings.value(QStringLiteral("view/rttProbe")).toBool(), false);
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
        QVERIFY(settings::ProfileStore(&settings).hasSavedProfiles());
        QCOMPARE(settings::ProfileStore(&settings).load().size(), 1);
    }

    void routerPanelFollowsMetaApi()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(&r, o);
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
        session::Session s;
        QSignalSpy joined(&s, &session::Session::joined);
        transport::ConnectOptions c;
        c.url = r.listeningUrls().first();
        c.serializer = codec::SerializerId::Cbor;
        s.open(c, {});
        QTRY_COMPARE(joined.size(), 1);
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
        QVERIFY(rowWith(m->sessionsView(), 4, QStringLiteral("cbor")));
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
        QVERIFY(r.isListening());
        QTRY_COMPARE_WITH_TIMEOUT(w.sessionRowCount(), 1, 5000);
    }

    void withoutRouter()
    {
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(nullptr, o);
        w.show();
        QCOMPARE(w.sessionRowCount(), 0);
        QVERIFY(w.connections().isEmpty()); // no Local router profile without a router
        QVERIFY(!w.currentConnection());
        w.appendLog(QStringLiteral("hello"));
        QVERIFY(w.logLineCount() >= 1);
    }

    void profilesPersistWithoutSecrets()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        const QString path = freshSettingsPath();
        settings::MemorySecretStore secrets;
        QByteArray exported;
        QString id;
        {
            QSettings settings(path, QSettings::IniFormat);
            ui::MainWindowOptions o;
            o.settings = &settings;
            o.secrets = &secrets;
            o.connectOnStart = false;
            o.askSecret = [](const ConnectionProfile &) -> std::optional<QString> { return std::nullopt; };
            ui::MainWindow w(&r, o);
            ConnectionProfile p;
            p.name = QStringLiteral("Alice");
            p.url = r.listeningUrls().first();
            p.authMethod = QStringLiteral("ticket");
            p.authid = QStringLiteral("alice");
            Connection *c = w.addProfile(p, QStringLiteral("s3cret"));
            id = c->id();
            QTRY_COMPARE(secrets.size(), 1); // the secret went to the keychain
            Connection *dup = w.duplicateProfile(c);
            QCOMPARE(dup->profile().name, QStringLiteral("Alice (copy)"));
            QVERIFY(!dup->hasSecret());
            w.removeProfile(dup);
            QCOMPARE(w.connections().size(), 2);
            exported = w.exportAllProfiles();
            w.close();
        }
        QVERIFY(!fileBytes(path).contains("s3cret"));
        QVERIFY(!exported.contains("s3cret"));
        QVERIFY(exported.contains("\"authid\": \"alice\""));

        // a restart: the profile is back, its secret comes from the keychain on connect
        QSettings settings(path, QSettings::IniFormat);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        int asked = 0;
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++asked;
            return std::nullopt;
        };
        ui::MainWindow w(&r, o);
        Connection *c = w.connection(id);
        QVERIFY(c);
        QVERIFY(!c->hasSecret());
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 0);
        QCOMPARE(c->session()->welcomeDetails().value(QStringLiteral("authrole")).toString(), QStringLiteral("user"));

        // import: clashing ids get new ones; invalid files are refused with a notice
        QCOMPARE(w.importProfilesFrom(exported), 2);
        QCOMPARE(w.connections().size(), 4);
        QCOMPARE(w.importProfilesFrom("{broken"), -1);
        QVERIFY(w.notices().last().contains(QStringLiteral("Import failed")));
        QCOMPARE(w.connections().size(), 4);
    }

    void noKeychainKeepsSecretForThisRun()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        const QString path = freshSettingsPath();
        QSettings settings(path, QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        secrets.setSimulateNoBackend(true);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        QString why;
        o.askKeepInMemory = [&](const ConnectionProfile &, const QString &reason) {
            why = reason;
            return true;
        };
        int asked = 0;
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++asked;
            return QStringLiteral("s3cret");
        };
        ui::MainWindow w(&r, o);
        ConnectionProfile p;
        p.name = QStringLiteral("Alice");
        p.url = r.listeningUrls().first();
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection *c = w.addProfile(p);
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 1);
        QVERIFY(why.contains(QStringLiteral("No keychain")));
        QVERIFY(w.notices().last().contains(QStringLiteral("keychain is not available")));
        QCOMPARE(c->profile().secretStorage, ConnectionProfile::SecretStorage::SessionOnly);
        // reconnecting in this run does not ask again; nothing went to disk
        c->close();
        w.connectTo(c);
        QTRY_COMPARE(c->state(), Connection::State::Connected);
        QCOMPARE(asked, 1);
        settings.sync();
        QVERIFY(!fileBytes(path).contains("s3cret"));
        QVERIFY(fileBytes(path).contains("session"));

    }

    void noKeychainDeclined()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        secrets.setSimulateNoBackend(true);
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        o.connectOnStart = false;
        int keepAsked = 0, secretAsked = 0;
        o.askKeepInMemory = [&](const ConnectionProfile &, const QString &) {
            ++keepAsked;
            return false;
        };
        o.askSecret = [&](const ConnectionProfile &) -> std::optional<QString> {
            ++secretAsked;
            return QStringLiteral("s3cret");
        };
        ui::MainWindow w(&r, o);
        ConnectionProfile p;
        p.name = QStringLiteral("Alice");
        p.url = r.listeningUrls().first();
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection *c = w.addProfile(p);
        w.connectTo(c);
        QTRY_COMPARE(keepAsked, 1);
        QTest::qWait(100);
        QCOMPARE(secretAsked, 0);
        QCOMPARE(c->state(), Connection::State::Disconnected);
        QCOMPARE(c->profile().secretStorage, ConnectionProfile::SecretStorage::Keychain);
    }

    void reconnectIsVisible()
    {
        auto r = std::make_unique<router::Router>(routerConfig());
        QVERIFY(r->start().ok());
        const QUrl url = r->listeningUrls().first();
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(r.get(), o);
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
        Q_UNUSED(url)
    }

    void trafficLogCorrelatesCalls()
    {
        router::Router r(routerConfig());
        QVERIFY(r.start().ok());
        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(&r, o);
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
        caller->session()->publish(QStringLiteral("t"), {}, {}, {});
        QTRY_COMPARE(log->store()->nextSeq(), quint64(store->nextSeq()));
        QTest::qWait(250);
        QCOMPARE(log->model()->rowCount(), rows);
        log->setPaused(false);
        QTRY_VERIFY(log->model()->rowCount() > rows);
        log->setCapacity(3);
        QCOMPARE(log->model()->rowCount(), 3);
        log->clear();
        QCOMPARE(log->model()->rowCount(), 0);
    }

    void profileDialogValidates()
    {
        ConnectionProfile p;
        p.name = QStringLiteral("x");
        ui::ProfileDialog d(p);
        QPushButton *ok = d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(ok->isEnabled());
        d.urlEdit()->setText(QStringLiteral("http://h:1/"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("not supported")));
        d.urlEdit()->setText(QStringLiteral("rs://10.0.0.1:8081"));
        QVERIFY(ok->isEnabled());
        d.nameEdit()->clear();
        QVERIFY(!ok->isEnabled());
        d.nameEdit()->setText(QStringLiteral("Edge"));
        QCOMPARE(d.profile().url, QUrl(QStringLiteral("rs://10.0.0.1:8081")));
        QCOMPARE(d.profile().name, QStringLiteral("Edge"));
        QCOMPARE(d.profile().id, p.id);
    }

    void profileDialogTls()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        {
            QFile f(ca);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        ConnectionProfile p;
        p.name = QStringLiteral("x"); // ws:// by default
        ui::ProfileDialog d(p);
        QPushButton *ok = d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(d.tlsBox()->isHidden()); // no TLS settings for ws://
        d.urlEdit()->setText(QStringLiteral("wss://127.0.0.1:8443/ws"));
        QVERIFY(!d.tlsBox()->isHidden());
        QVERIFY(d.tlsBox()->isEnabled());
        QVERIFY(d.insecureWarning()->isHidden());
        d.insecureCheck()->setChecked(true);
        QVERIFY(!d.insecureWarning()->isHidden()); // the warning shows with the checkbox
        QVERIFY(d.insecureWarning()->text().contains(QStringLiteral("not checked")));
        d.caFileEdit()->setText(dir.filePath(QStringLiteral("missing.pem")));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("does not exist")));
        d.caFileEdit()->setText(ca);
        d.pinEdit()->setText(QStringLiteral("12:34"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(d.problems().join(QLatin1Char(' ')).contains(QStringLiteral("64 hex digits")));
        const QString pin = QStringLiteral("AB").repeated(32);
        d.pinEdit()->setText(pin);
        QVERIFY2(ok->isEnabled(), qPrintable(d.problems().join(QLatin1Char(' '))));
        ConnectionProfile out = d.profile();
        QCOMPARE(out.tlsCaFile, ca);
        QVERIFY(out.tlsInsecure);
        QCOMPARE(out.tlsPinSha256, pin);
        QCOMPARE(out.connectOptions().tls.pinnedSha256, QByteArray::fromHex(pin.toLatin1()));
        // rss:// and tcps:// also show the box; back to rs:// hides it and drops the settings
        d.urlEdit()->setText(QStringLiteral("tcps://127.0.0.1:8444"));
        QVERIFY(!d.tlsBox()->isHidden());
        d.urlEdit()->setText(QStringLiteral("rs://127.0.0.1:8081"));
        QVERIFY(d.tlsBox()->isHidden());
        QVERIFY(ok->isEnabled());
        out = d.profile();
        QVERIFY(out.tlsCaFile.isEmpty());
        QVERIFY(!out.tlsInsecure);
        QVERIFY(out.tlsPinSha256.isEmpty());
        // an existing TLS profile opens with its settings
        p.url = QUrl(QStringLiteral("rss://127.0.0.1:8444"));
        p.tlsCaFile = ca;
        p.tlsPinSha256 = pin;
        ui::ProfileDialog e(p);
        QVERIFY(!e.tlsBox()->isHidden());
        QCOMPARE(e.caFileEdit()->text(), ca);
        QCOMPARE(e.pinEdit()->text(), pin);
        QVERIFY(!e.insecureCheck()->isChecked());
        QCOMPARE(e.profile(), p);
    }

    void tlsRejectionShownInStatusBar()
    {
        // a wss router with a self-signed certificate (generated with the openssl CLI)
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("server.crt"));
        const QString key = dir.filePath(QStringLiteral("server.key"));
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                       QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-keyout"), key,
                       QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-nodes"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost")});
        QVERIFY(openssl.waitForFinished(60000));
        QVERIFY2(openssl.exitStatus() == QProcess::NormalExit && openssl.exitCode() == 0, openssl.readAllStandardError().constData());
        router::RouterConfig cfg = router::RouterConfig::defaults();
        router::ListenerConfig lc;
        lc.url = QUrl(QStringLiteral("wss://127.0.0.1:0/ws"));
        lc.tls.certificateFile = cert;
        lc.tls.keyFile = key;
        cfg.listeners = {lc};
        router::Router tlsRouter(cfg);
        const Status st = tlsRouter.start();
        QVERIFY2(st.ok(), qPrintable(st.errorString()));
        const QUrl url = tlsRouter.listeningUrls().value(0);

        QSettings settings(freshSettingsPath(), QSettings::IniFormat);
        settings::MemorySecretStore secrets;
        ui::MainWindowOptions o;
        o.settings = &settings;
        o.secrets = &secrets;
        ui::MainWindow w(nullptr, o);
        ConnectionProfile p;
        p.id = ConnectionProfile::newId();
        p.name = QStringLiteral("Secure");
        p.url = url;
        Connection *c = w.addProfile(p);
        QVERIFY(c);
        w.selectConnection(c);
        c->open();
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), Connection::State::Failed, 10000);
        // the status bar says which certificate was rejected and why
        const QString text = w.statusText();
        QVERIFY2(text.contains(QStringLiteral("Secure: failed: TLS certificate of 127.0.0.1:%1 rejected").arg(url.port())),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("CN=localhost")), qPrintable(text));
        // trusting the certificate as CA file in the profile lets it join
        p.tlsCaFile = cert;
        c->setProfile(p);
        c->open();
        QTRY_COMPARE_WITH_TIMEOUT(c->state(), Connection::State::Connected, 10000);
        QVERIFY2(w.statusText().contains(QStringLiteral("Secure: connected")), qPrintable(w.statusText()));
        c->close();
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
