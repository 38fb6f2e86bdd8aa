// SPDX-License-Identifier: GPL-3.0-or-later
// The window follows the built-in router: sessions appear and disappear, the log records them (offscreen).

#include "mainwindow.h"
#include "router/router.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;

class TstMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void followsRouterSessions()
    {
        router::RouterConfig cfg = router::RouterConfig::defaults();
        cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))}};
        router::Router r(cfg);
        QVERIFY(r.start().ok());
        ui::MainWindow w(&r);
        w.show();
        QCOMPARE(w.sessionRowCount(), 0);

        session::Session s;
        QSignalSpy joined(&s, &session::Session::joined);
        transport::ConnectOptions c;
        c.url = r.listeningUrls().first();
        s.open(c, {});
        QTRY_COMPARE(joined.size(), 1);
        QTRY_COMPARE(w.sessionRowCount(), 1);
        const int logBefore = w.logLineCount();
        s.leave();
        QTRY_COMPARE(w.sessionRowCount(), 0);
        QVERIFY(w.logLineCount() > logBefore);
    }

    void withoutRouter()
    {
        ui::MainWindow w(nullptr);
        w.show();
        QCOMPARE(w.sessionRowCount(), 0);
        w.appendLog(QStringLiteral("hello"));
        QVERIFY(w.logLineCount() >= 1);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_mainwindow.moc"
