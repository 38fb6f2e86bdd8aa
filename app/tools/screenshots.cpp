// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-screenshots DIR: the README screenshots. Starts the built-in router in process, opens the window with
// the real panels, drives demo traffic (live sensor events, a mock procedure with progressive results, a templated
// mock called by another client) and saves subscribe.png, call.png and register.png into DIR.
// Run it under Xvfb: xvfb-run -s "-screen 0 1600x1000x24" build/app/wampscope-screenshots resources/screenshots

#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "mock/mockresponder.h"
#include "models/eventlogmodel.h"
#include "panels/callpanel.h"
#include "panels/panelfactory.h"
#include "panels/registerpanel.h"
#include "panels/subscribepanel.h"
#include "router/routerhost.h"
#include "session/session.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <cmath>
#include <cstdio>

using namespace wb;

namespace {
bool waitUntil(const std::function<bool()> &cond, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!cond()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(10, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}
void pause(int ms)
{
    waitUntil([] { return false; }, ms);
}
} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("wb.*.debug=false\nwb.*.info=false"));
    QApplication app(argc, argv);
    const QString outDir = app.arguments().value(1, QStringLiteral("."));
    QDir().mkpath(outDir);

    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))}};
    router::RouterHost host;
    host.start(cfg);
    if (!waitUntil([&] { return host.isListening() || !host.snapshot().lastError.isEmpty(); }, 10000) || !host.isListening())
        return 3;
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    settings::MemorySecretStore secrets;
    ui::MainWindowOptions o;
    o.settings = &settings;
    o.secrets = &secrets;
    ui::ConnectionWorkspace::setPanelFactory(&ui::panels::install);
    ui::MainWindow w(&host, o);
    w.resize(1500, 950);
    w.show();
    client::Connection *local = w.connection(ui::MainWindow::localRouterProfileId());
    if (!local || !waitUntil([&] { return local->state() == client::Connection::State::Connected; }, 10000))
        return 3;
    ui::ConnectionWorkspace *ws = w.workspace(local);
    const QStringList titles = ui::ConnectionWorkspace::standardPanelTitles();
    auto *sub = qobject_cast<ui::SubscribePanel *>(ws->panel(titles.at(0)));
    auto *call = qobject_cast<ui::CallPanel *>(ws->panel(titles.at(1)));
    auto *reg = qobject_cast<ui::RegisterPanel *>(ws->panel(titles.at(3)));
    if (!sub || !call || !reg)
        return 4;

    // Another client: publisher and caller.
    session::Session other;
    transport::ConnectOptions c;
    c.url = host.snapshot().urls.first();
    c.serializer = codec::SerializerId::MsgPack;
    other.open(c, {});
    if (!waitUntil([&] { return other.isJoined(); }, 5000))
        return 3;

    // 1. Subscribe: live sensor events, topic tree, plot, payload.
    ws->showPanel(titles.at(0));
    sub->subscribeTo(QStringLiteral("com.example.sensors"), QStringLiteral("prefix"));
    waitUntil([&] { return sub->subscriptionCount() == 1; }, 5000);
    sub->setPlotPath(QStringLiteral("kwargs.temp"));
    const QStringList rooms{QStringLiteral("kitchen"), QStringLiteral("hall"), QStringLiteral("garage")};
    for (int i = 0; i < 300; ++i) {
        const QString room = rooms.at(i % 3);
        wamp::Dict kw;
        kw.insert(QStringLiteral("temp"), std::round((20.0 + 3.0 * std::sin(i / 12.0) + (i % 3)) * 10) / 10);
        kw.insert(QStringLiteral("unit"), QStringLiteral("C"));
        kw.insert(QStringLiteral("room"), room);
        other.publish(QStringLiteral("com.example.sensors.") + room, {i}, kw, {{QStringLiteral("disclose_me"), wamp::Value(true)}});
        pause(8); // ~100 events/s, so the topic tree shows live rates
    }
    pause(200);
    sub->showPayloadOfRow(sub->allEventsModel()->rowCount() - 1);
    pause(300);
    w.grab().save(outDir + QStringLiteral("/subscribe.png"));

    // 2. Register: a progressive mock and a template mock, called by the other client.
    ws->showPanel(titles.at(3));
    mock::MockSpec count;
    count.procedure = QStringLiteral("com.example.count");
    count.mode = mock::MockSpec::Mode::Progressive;
    count.progressiveJson = QStringLiteral("[[1], [2], [3], {\"args\": [4], \"kwargs\": {\"almost\": true}}]");
    count.argsJson = QStringLiteral("[\"done\"]");
    count.kwargsJson = QStringLiteral("{\"total\": 4}");
    count.delayMs = 200;
    reg->setMockEnabled(reg->addMock(count), true);
    mock::MockSpec greet;
    greet.procedure = QStringLiteral("com.example.greet");
    greet.mode = mock::MockSpec::Mode::Template;
    greet.argsJson = QStringLiteral("[\"Hello, {{kwargs.name}}!\", \"{{args[0]}}\"]");
    greet.kwargsJson = QStringLiteral("{\"caller\": \"{{details.caller}}\"}");
    const int g = reg->addMock(greet);
    reg->setMockEnabled(g, true);
    waitUntil([&] { return reg->mock(0)->state() == mock::MockResponder::State::Registered
                           && reg->mock(1)->state() == mock::MockResponder::State::Registered; }, 5000);
    int answered = 0;
    for (const QString &name : {QStringLiteral("Ann"), QStringLiteral("Bob"), QStringLiteral("Eve")})
        other.call(QStringLiteral("com.example.greet"), {name.size()}, {{QStringLiteral("name"), wamp::Value(name)}},
                   {{QStringLiteral("disclose_me"), wamp::Value(true)}}, [&](const session::CallResult &) { ++answered; },
                   [&](const session::WampError &) { ++answered; });
    waitUntil([&] { return answered == 3; }, 5000);
    reg->selectMock(g);
    pause(300);
    w.grab().save(outDir + QStringLiteral("/register.png"));

    // 3. Call: the progressive mock from the call panel.
    ws->showPanel(titles.at(1));
    ui::CallPanel::Request r;
    r.procedure = QStringLiteral("com.example.count");
    r.argsText = QStringLiteral("[]");
    r.kwargsText = QStringLiteral("{\"from\": 1}");
    call->setRequest(r);
    bool finished = false;
    QObject::connect(call, &ui::CallPanel::finished, [&] { finished = true; });
    call->call();
    waitUntil([&] { return finished; }, 10000);
    pause(300);
    w.grab().save(outDir + QStringLiteral("/call.png"));
    printf("saved subscribe.png, register.png, call.png in %s\n", qPrintable(outDir));
    ui::ConnectionWorkspace::setPanelFactory(nullptr);
    return 0;
}
