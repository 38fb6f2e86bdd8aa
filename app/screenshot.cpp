// SPDX-License-Identifier: GPL-3.0-or-later
#include "screenshot.h"

#include "client/connection.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "panels/trafficlogpanel.h"
#include "models/trafficmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPixmap>

#include <cstdio>

namespace wb::app {

namespace {

bool waitFor(const std::function<bool()> &cond, int ms)
{
    QElapsedTimer t;
    t.start();
    while (!cond() && t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return cond();
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
}

} // namespace

int runScreenshot(ui::MainWindow *w, const QString &scene, const QString &path)
{
    using client::Connection;
    Connection *local = w->connection(ui::MainWindow::localRouterProfileId());
    if (!local || !waitFor([local] { return local->state() == Connection::State::Connected; }, 10000)) {
        fputs("wampscope --screenshot: the Local router connection did not come up\n", stderr);
        return 1;
    }
    if (scene == QStringLiteral("dark"))
        w->setTheme(ui::MainWindow::Theme::Dark);
    if (scene == QStringLiteral("traffic") || scene == QStringLiteral("dark") || scene == QStringLiteral("router")) {
        settings::ConnectionProfile p = local->profile();
        p.id.clear();
        p.name = QObject::tr("Mock callee");
        p.serializer = QStringLiteral("msgpack");
        p.connectOnStart = false;
        Connection *callee = w->addProfile(p);
        w->connectTo(callee);
        waitFor([callee] { return callee->state() == Connection::State::Connected; }, 5000);
        bool registered = false;
        callee->session()->registerProcedure(
            QStringLiteral("com.example.add"), {},
            [callee](const session::InvocationData &inv) {
                qint64 sum = 0;
                for (const wamp::Value &v : inv.args)
                    sum += v.toInt64().value_or(0);
                callee->session()->yield(inv.requestId, {sum});
            },
            [&registered](quint64) { registered = true; }, {});
        waitFor([&registered] { return registered; }, 3000);
        callee->session()->subscribe(QStringLiteral("com.example.sensors"), {{QStringLiteral("match"), QStringLiteral("prefix")}},
                                     [](const session::EventData &) {}, {}, {});
        int answered = 0;
        for (int i = 0; i < 3; ++i) {
            local->session()->call(QStringLiteral("com.example.add"), {i, 40}, {}, {},
                                   [&answered](const session::CallResult &) { ++answered; }, {});
            local->session()->publish(QStringLiteral("com.example.sensors.t%1").arg(i), {21.5 + i},
                                      {{QStringLiteral("unit"), QStringLiteral("C")}}, {});
        }
        local->session()->call(QStringLiteral("com.example.missing"), {}, {}, {}, {}, [&answered](const session::WampError &) { ++answered; });
        waitFor([&answered] { return answered == 4; }, 5000);
        settle(300);
    }
    if (scene == QStringLiteral("router"))
        w->selectRouter();
    else
        w->selectConnection(local);
    if (ui::ConnectionWorkspace *ws = w->workspace(local))
        ws->showPanel(scene == QStringLiteral("window") ? QObject::tr("Subscribe") : QObject::tr("Router"));
    settle(800); // the Router tab / router panel load their meta API lists when shown
    if (scene != QStringLiteral("window")) {
        ui::TrafficLogPanel *log = w->trafficLog();
        log->flush();
        capture::CaptureStore *store = log->store();
        for (quint64 s = store->firstSeq(); s < store->nextSeq(); ++s) {
            if (store->at(s).type == quint8(wamp::MessageType::Call) && store->uri(store->at(s).uri) == QStringLiteral("com.example.add")) {
                log->selectSeq(s);
                break;
            }
        }
        settle(200);
    }
    const QPixmap shot = w->grab();
    if (!shot.save(path)) {
        fprintf(stderr, "wampscope --screenshot: cannot write %s\n", qPrintable(path));
        return 1;
    }
    fprintf(stderr, "wampscope --screenshot: wrote %s (%dx%d)\n", qPrintable(path), shot.width(), shot.height());
    return 0;
}

} // namespace wb::app
