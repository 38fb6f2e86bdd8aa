// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope: the workbench window. It starts with the built-in router running on the defaults
// (ws://127.0.0.1:8080/ws, rs://127.0.0.1:8081, realm realm1). Without a display it says so and runs the
// router headless, exactly like `wampscope-cli router`.

#include "cli/cli.h"
#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "mainwindow.h"
#include "panels/panelfactory.h"
#include "router/routerhost.h"
#include "screenshot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace {

bool haveDisplay()
{
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true; // explicitly chosen platform (offscreen, xcb, wayland, ...)
    return !qEnvironmentVariableIsEmpty("DISPLAY") || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

} // namespace

int main(int argc, char **argv)
{
    if (!haveDisplay()) {
        fputs("wampscope: no display found (DISPLAY and WAYLAND_DISPLAY are unset): running the built-in router "
              "headless instead. Press Ctrl+C to stop.\n",
              stderr);
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("wampscope"));
        QCoreApplication::setApplicationVersion(QStringLiteral(WAMPSCOPE_VERSION));
        QStringList args{QCoreApplication::applicationFilePath(), QStringLiteral("router")};
        args += QCoreApplication::arguments().mid(1);
        return wb::cli::runRouterCommand(args);
    }

    // Routing details stay out of the terminal unless asked for (QT_LOGGING_RULES="wb.*.info=true").
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("wb.*.debug=false\nwb.*.info=false"));
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Wampscope"));
    QApplication::setOrganizationName(QStringLiteral("Wampscope"));
    QApplication::setApplicationVersion(QStringLiteral(WAMPSCOPE_VERSION));

    // Translations: our catalog (embedded under :/i18n) and Qt's own, for the system locale.
    auto *appTranslator = new QTranslator(&app);
    if (appTranslator->load(QLocale(), QStringLiteral("wampscope"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(appTranslator);
    auto *qtTranslator = new QTranslator(&app);
    if (qtTranslator->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qtTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Wampscope: a workbench for WAMP routers and clients."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("self-test"), QStringLiteral("Start the router on free ports, open the window, exit 0 if both work.")});
    parser.addOption({QStringLiteral("no-router"), QStringLiteral("Do not start the built-in router.")});
    QCommandLineOption screenshotOpt(QStringLiteral("screenshot"), QStringLiteral("Stage a scene, save a PNG, exit."),
                                     QStringLiteral("path"));
    screenshotOpt.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption sceneOpt(QStringLiteral("scene"), QStringLiteral("Scene for --screenshot."), QStringLiteral("name"),
                                QStringLiteral("window"));
    sceneOpt.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshotOpt);
    parser.addOption(sceneOpt);
    parser.process(app);
    const QString screenshotPath = parser.value(screenshotOpt);

    const bool selfTest = parser.isSet(QStringLiteral("self-test"));
    const bool throwaway = selfTest || !screenshotPath.isEmpty();
    wb::router::RouterConfig config = wb::router::RouterConfig::defaults();
    if (throwaway) {
        for (auto &l : config.listeners) {
            QUrl u = l.url;
            u.setPort(0);
            l.url = u;
        }
    }
    // The built-in router runs on its own thread; the window only talks to it through the host.
    std::unique_ptr<wb::router::RouterHost> host;
    if (!parser.isSet(QStringLiteral("no-router"))) {
        host = std::make_unique<wb::router::RouterHost>();
        host->start(config);
    }

    // The self-test must not touch the user's profiles or keychain: it runs on a throwaway settings file.
    QTemporaryDir selfTestDir;
    std::unique_ptr<QSettings> selfTestSettings;
    wb::ui::MainWindowOptions options;
    if (throwaway) {
        selfTestSettings = std::make_unique<QSettings>(selfTestDir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        options.settings = selfTestSettings.get();
        options.secrets = new wb::settings::MemorySecretStore(&app);
    }
    wb::ui::ConnectionWorkspace::setPanelFactory(&wb::ui::panels::install);
    wb::ui::MainWindow window(host.get(), options);
    QString routerError;
    if (host) {
        QObject::connect(host.get(), &wb::router::RouterHost::started, &window, [&](const wb::Status &st) {
            if (st.ok())
                return;
            routerError = st.errorString();
            window.appendLog(QObject::tr("The built-in router could not start: %1").arg(routerError));
            if (!throwaway)
                QMessageBox::warning(&window, QObject::tr("Built-in router"),
                                     QObject::tr("The built-in router could not start:\n%1\n\nIs another router using the port?")
                                         .arg(routerError));
        });
    }
    window.show();
    int rc = 0;
    if (!screenshotPath.isEmpty()) {
        window.resize(1400, 860);
        rc = wb::app::runScreenshot(&window, parser.value(sceneOpt), screenshotPath);
    } else if (selfTest) {
        // The router listens, the window shows, and the "Local router" connection joins within 10 s.
        wb::client::Connection *local = window.connection(wb::ui::MainWindow::localRouterProfileId());
        QString why;
        bool ok = host && local && window.isVisible();
        if (ok) {
            QTimer deadline;
            deadline.setSingleShot(true);
            deadline.start(10000);
            while (deadline.isActive() && routerError.isEmpty() && local->state() != wb::client::Connection::State::Connected)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            ok = host->isListening() && local->state() == wb::client::Connection::State::Connected;
            if (!routerError.isEmpty())
                why = routerError;
            else if (!ok)
                why = QStringLiteral("Local router: ") + local->stateText();
        } else {
            why = !host ? QStringLiteral("no built-in router") : QStringLiteral("no Local router profile");
        }
        fprintf(stderr, "wampscope self-test: %s%s\n", ok ? "ok" : "FAILED ", ok ? "" : qPrintable(why));
        rc = ok ? 0 : 1;
    } else {
        rc = app.exec();
    }
    // Quitting: the window's connections leave, then every other session gets GOODBYE wamp.close.system_shutdown
    // and the router thread is joined (the window still runs this thread's event loop while the host waits).
    if (window.isVisible())
        window.close();
    if (host)
        host->shutdown();
    return rc;
}
