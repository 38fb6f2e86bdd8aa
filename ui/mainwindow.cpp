// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "client/connection.h"
#include "settings/secretstore.h"
#include "connectionworkspace.h"
#include "settings/keychainsecretstore.h"
#include "dialogs/profiledialog.h"
#include "router/router.h"
#include "panels/routerpanel.h"
#include "panels/trafficlogpanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QStyleFactory>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wb::ui {

using client::Connection;
using settings::ConnectionProfile;

namespace {

constexpr int kConnectionRole = Qt::UserRole + 1;
constexpr int kRttProbeIntervalMs = 5000;

QIcon stateIcon(Connection::State s)
{
    QColor c;
    switch (s) {
    case Connection::State::Connected: c = QColor(0x3c, 0xb3, 0x71); break;
    case Connection::State::Connecting:
    case Connection::State::WaitingToReconnect: c = QColor(0xf0, 0xad, 0x4e); break;
    case Connection::State::Failed: c = QColor(0xd9, 0x53, 0x4f); break;
    case Connection::State::Disconnected: c = QColor(0x99, 0x99, 0x99); break;
    }
    QPixmap pm(16, 16);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(c.darker(130));
    p.setBrush(c);
    p.drawEllipse(QRectF(3, 3, 10, 10));
    return QIcon(pm);
}

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x30), base(0x1e, 0x1f, 0x22), text(0xdf, 0xe1, 0xe5), disabled(0x7f, 0x82, 0x88);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x3c, 0x3f, 0x41));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1a, 0x1a));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}

} // namespace

MainWindow::MainWindow(router::Router *router, QWidget *parent) : MainWindow(router, MainWindowOptions{}, parent) {}

MainWindow::MainWindow(router::Router *router, const MainWindowOptions &options, QWidget *parent)
    : QMainWindow(parent), m_router(router), m_options(options)
{
    setWindowTitle(tr("Wampscope"));
    setObjectName(QStringLiteral("MainWindow"));
    m_settings = options.settings;
    if (!m_settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_settings = m_ownSettings.get();
    }
    m_secrets = options.secrets ? options.secrets : new settings::KeychainSecretStore(this);
    m_systemPalette = QApplication::palette();
    m_systemStyle = QApplication::style()->name();

    m_stack = new QStackedWidget(this);
    m_routerPanel = new RouterPanel(router, m_stack);
    m_stack->addWidget(m_routerPanel);
    setCentralWidget(m_stack);

    buildSidebar();

    m_traffic = new TrafficLogPanel(new capture::Recorder(this), this); // the window owns the recording
    m_trafficDock = new QDockWidget(tr("Traffic log"), this);
    m_trafficDock->setObjectName(QStringLiteral("TrafficDock"));
    m_trafficDock->setWidget(m_traffic);
    addDockWidget(Qt::BottomDockWidgetArea, m_trafficDock);

    m_stateLabel = new QLabel(this);
    m_realmLabel = new QLabel(this);
    m_serializerLabel = new QLabel(this);
    m_rttLabel = new QLabel(this);
    m_rttLabel->setToolTip(tr("Round-trip time: how long the router takes to answer a CALL to %1 that Wampscope "
                              "sends every 5 s while connected (a RESULT or an ERROR both count).")
                               .arg(Connection::rttProbeProcedure()));
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_realmLabel);
    statusBar()->addPermanentWidget(m_serializerLabel);
    statusBar()->addPermanentWidget(m_rttLabel);

    buildActions();
    connect(m_routerPanel, &RouterPanel::routerStateChanged, this, [this]() {
        followBuiltinRouter();
        refreshStatusBar();
    });

    const QString theme = m_settings->value(QStringLiteral("view/theme"), QStringLiteral("system")).toString();
    setTheme(theme == QStringLiteral("dark") ? Theme::Dark : theme == QStringLiteral("light") ? Theme::Light : Theme::System);

    loadProfiles();
    resize(1200, 780);
    restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(m_settings->value(QStringLiteral("window/state")).toByteArray());

    const QString selected = m_settings->value(QStringLiteral("window/selected")).toString();
    if (Connection *c = connection(selected))
        selectConnection(c);
    else if (Connection *local = connection(localRouterProfileId()); local && m_router)
        selectConnection(local);
    else
        selectRouter();

    if (m_options.connectOnStart) {
        for (Connection *c : std::as_const(m_connections)) {
            if (c->profile().connectOnStart)
                connectTo(c);
        }
    }
    refreshStatusBar();
    updateActions();
}

MainWindow::~MainWindow()
{
    // Connections leave before the router and the window's widgets go away.
    for (Connection *c : std::as_const(m_connections))
        c->disconnect(this);
}

void MainWindow::buildSidebar()
{
    auto *dock = new QDockWidget(tr("Connections"), this);
    dock->setObjectName(QStringLiteral("SidebarDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    auto *box = new QWidget(dock);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    m_sidebar = new QTreeWidget(box);
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setHeaderHidden(true);
    m_sidebar->setColumnCount(1);
    m_sidebar->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_routerItem = new QTreeWidgetItem(m_sidebar, {tr("Built-in router")});
    m_routerItem->setIcon(0, style()->standardIcon(QStyle::SP_ComputerIcon));
    m_connectionsItem = new QTreeWidgetItem(m_sidebar, {tr("Connection profiles")});
    m_connectionsItem->setFlags(Qt::ItemIsEnabled);
    m_connectionsItem->setExpanded(true);
    QFont f = m_connectionsItem->font(0);
    f.setBold(true);
    m_connectionsItem->setFont(0, f);
    layout->addWidget(m_sidebar);
    dock->setWidget(box);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
    connect(m_sidebar, &QTreeWidget::currentItemChanged, this, &MainWindow::onSelectionChanged);
    connect(m_sidebar, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        if (Connection *c = item->data(0, kConnectionRole).value<Connection *>()) {
            if (c->state() == Connection::State::Connected || c->state() == Connection::State::Connecting)
                return;
            connectTo(c);
        }
    });
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAct = file->addAction(tr("&New connection…"), this, &MainWindow::newProfileDialog);
    m_newAct->setShortcut(QKeySequence::New);
    file->addSeparator();
    file->addAction(tr("&Import profiles…"), this, &MainWindow::importProfilesDialog);
    file->addAction(tr("&Export profiles…"), this, &MainWindow::exportProfilesDialog);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *conn = menuBar()->addMenu(tr("&Connection"));
    m_connectAct = conn->addAction(tr("&Connect"), this, [this]() {
        if (Connection *c = currentConnection())
            connectTo(c);
    });
    m_connectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_disconnectAct = conn->addAction(tr("&Disconnect"), this, [this]() {
        if (Connection *c = currentConnection())
            c->close();
    });
    m_disconnectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    m_cancelReconnectAct = conn->addAction(tr("Cancel &reconnect"), this, [this]() {
        if (Connection *c = currentConnection())
            c->cancelReconnect();
    });
    m_cancelReconnectAct->setShortcut(QKeySequence(Qt::Key_Escape));
    conn->addSeparator();
    m_editAct = conn->addAction(tr("&Edit…"), this, &MainWindow::editProfileDialog);
    m_editAct->setShortcut(QKeySequence(Qt::Key_F2));
    m_duplicateAct = conn->addAction(tr("D&uplicate"), this, [this]() {
        if (Connection *c = currentConnection())
            selectConnection(duplicateProfile(c));
    });
    m_duplicateAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_deleteAct = conn->addAction(tr("De&lete"), this, [this]() {
        Connection *c = currentConnection();
        if (!c)
            return;
        if (QMessageBox::question(this, tr("Delete connection"),
                                  tr("Delete the connection profile \"%1\" (and its stored secret)?").arg(c->name()))
            == QMessageBox::Yes)
            removeProfile(c);
    });
    m_deleteAct->setShortcut(QKeySequence::Delete);
    m_deleteAct->setShortcutContext(Qt::WidgetShortcut);
    m_sidebar->addAction(m_deleteAct);

    auto *tb = addToolBar(tr("Connections"));
    tb->setObjectName(QStringLiteral("ConnectionToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_newAct->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    m_connectAct->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_disconnectAct->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_editAct->setIcon(style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    tb->addAction(m_newAct);
    tb->addAction(m_editAct);
    tb->addAction(m_connectAct);
    tb->addAction(m_disconnectAct);
    for (QAction *a : {m_connectAct, m_disconnectAct, m_cancelReconnectAct, m_editAct, m_duplicateAct})
        m_sidebar->addAction(a);
    m_sidebar->addAction(m_deleteAct);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *routerAct = view->addAction(tr("&Router panel"), this, &MainWindow::selectRouter);
    routerAct->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    const QStringList titles = ConnectionWorkspace::standardPanelTitles();
    for (int i = 0; i < titles.size(); ++i) {
        QAction *a = view->addAction(tr("%1 panel").arg(titles.at(i)), this, [this, title = titles.at(i)]() {
            Connection *c = currentConnection();
            if (!c && !m_connections.isEmpty())
                selectConnection(c = m_connections.first());
            if (ConnectionWorkspace *w = workspace(c))
                w->showPanel(title);
        });
        a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction *sidebarFocus = view->addAction(tr("Focus the connection &list"), this, [this]() { m_sidebar->setFocus(); });
    sidebarFocus->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *trafficAct = m_trafficDock->toggleViewAction();
    trafficAct->setText(tr("&Traffic log"));
    trafficAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    view->addAction(trafficAct);
    for (QAction *a : m_traffic->actions())
        view->addAction(a);
    m_rttProbeAct = view->addAction(tr("Measure &round-trip time (a CALL to %1 every 5 s)").arg(Connection::rttProbeProcedure()));
    m_rttProbeAct->setCheckable(true);
    m_rttProbeAct->setChecked(m_settings->value(QStringLiteral("view/rttProbe"), true).toBool());
    connect(m_rttProbeAct, &QAction::toggled, this, [this](bool on) {
        m_settings->setValue(QStringLiteral("view/rttProbe"), on);
        for (Connection *c : std::as_const(m_connections))
            c->setRttProbeInterval(on ? kRttProbeIntervalMs : 0);
        refreshStatusBar();
    });
    view->addSeparator();
    QMenu *themes = view->addMenu(tr("T&heme"));
    m_themeGroup = new QActionGroup(this);
    const std::pair<Theme, QString> themeNames[] = {
        {Theme::System, tr("Follow the &system")}, {Theme::Light, tr("&Light")}, {Theme::Dark, tr("&Dark")}};
    for (const auto &[t, name] : themeNames) {
        QAction *a = themes->addAction(name, this, [this, t = t]() { setTheme(t); });
        a->setCheckable(true);
        a->setData(int(t));
        m_themeGroup->addAction(a);
    }
}

void MainWindow::setTheme(Theme t)
{
    m_theme = t;
    switch (t) {
    case Theme::System:
        if (QStyle *s = QStyleFactory::create(m_systemStyle))
            QApplication::setStyle(s);
        QApplication::setPalette(m_systemPalette);
        break;
    case Theme::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Theme::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
    if (m_themeGroup) {
        for (QAction *a : m_themeGroup->actions())
            a->setChecked(a->data().toInt() == int(t));
    }
    m_settings->setValue(QStringLiteral("view/theme"), t == Theme::Dark    ? QStringLiteral("dark")
                                                       : t == Theme::Light ? QStringLiteral("light")
                                                                           : QStringLiteral("system"));
}

// ---- profiles ----

void MainWindow::loadProfiles()
{
    settings::ProfileStore store(m_settings);
    QList<ConnectionProfile> list = store.load();
    const bool firstStart = !store.hasSavedProfiles();
    if (firstStart && m_router) {
        ConnectionProfile p;
        p.id = localRouterProfileId();
        p.name = tr("Local router");
        p.connectOnStart = true;
        list.prepend(p);
    }
    for (const ConnectionProfile &p : std::as_const(list))
        addProfile(p);
    followBuiltinRouter();
    saveProfiles();
}

void MainWindow::followBuiltinRouter()
{
    // The Local router profile follows the built-in router's actual WebSocket address (ports may differ).
    Connection *local = connection(localRouterProfileId());
    if (!local || !m_router)
        return;
    for (const QUrl &u : m_router->listeningUrls()) {
        if (u.scheme() == QStringLiteral("ws")) {
            if (local->profile().url != u) {
                ConnectionProfile p = local->profile();
                p.url = u;
                local->setProfile(p);
                saveProfiles();
            }
            break;
        }
    }
}

void MainWindow::saveProfiles()
{
    settings::ProfileStore(m_settings).save(profiles());
}

QList<ConnectionProfile> MainWindow::profiles() const
{
    QList<ConnectionProfile> out;
    for (Connection *c : m_connections)
        out << c->profile();
    return out;
}

Connection *MainWindow::connection(const QString &profileId) const
{
    for (Connection *c : m_connections) {
        if (c->id() == profileId)
            return c;
    }
    return nullptr;
}

QTreeWidgetItem *MainWindow::itemFor(Connection *c) const
{
    for (int i = 0; i < m_connectionsItem->childCount(); ++i) {
        if (m_connectionsItem->child(i)->data(0, kConnectionRole).value<Connection *>() == c)
            return m_connectionsItem->child(i);
    }
    return nullptr;
}

Connection *MainWindow::addProfile(const ConnectionProfile &profile, const QString &secret)
{
    ConnectionProfile p = profile;
    if (p.id.isEmpty() || connection(p.id))
        p.id = ConnectionProfile::newId();
    auto *c = new Connection(p, this);
    c->setRttProbeInterval(m_rttProbeAct && !m_rttProbeAct->isChecked() ? 0 : kRttProbeIntervalMs);
    m_connections << c;
    auto *item = new QTreeWidgetItem(m_connectionsItem);
    item->setData(0, kConnectionRole, QVariant::fromValue(c));
    auto *ws = new ConnectionWorkspace(c, m_stack);
    m_workspaces.insert(c, ws);
    m_stack->addWidget(ws);
    c->setRecorder(m_traffic->recorder());
    m_routerPanel->addConnection(c);
    if (c->id() == localRouterProfileId())
        m_routerPanel->setMonitorConnection(c);
    connect(c, &Connection::stateChanged, this, [this, c]() {
        updateItem(c);
        if (c == currentConnection()) {
            refreshStatusBar();
            updateActions();
        }
    });
    connect(c, &Connection::reconnectCountdown, this, [this, c]() {
        updateItem(c);
        if (c == currentConnection())
            refreshStatusBar();
    });
    connect(c, &Connection::rttMeasured, this, [this, c]() {
        if (c == currentConnection())
            refreshStatusBar();
    });
    connect(c, &Connection::profileChanged, this, [this, c]() {
        updateItem(c);
        refreshStatusBar();
    });
    updateItem(c);
    m_connectionsItem->setExpanded(true);
    if (!secret.isEmpty())
        storeSecret(c, secret);
    saveProfiles();
    return c;
}

void MainWindow::updateProfile(Connection *c, const ConnectionProfile &profile, const QString &secret)
{
    const bool reconnect = c->state() == Connection::State::Connected && !(c->profile() == profile);
    const bool storageChanged = c->profile().secretStorage != profile.secretStorage;
    c->setProfile(profile);
    if (!secret.isEmpty())
        storeSecret(c, secret);
    else if (storageChanged && profile.secretStorage == ConnectionProfile::SecretStorage::SessionOnly)
        m_secrets->deleteSecret(profile.id, {});
    saveProfiles();
    if (reconnect) {
        c->close();
        connectTo(c);
    }
}

Connection *MainWindow::duplicateProfile(Connection *c)
{
    ConnectionProfile p = c->profile();
    p.id = ConnectionProfile::newId();
    p.name = tr("%1 (copy)").arg(p.name);
    p.connectOnStart = false;
    return addProfile(p); // the secret is not copied: it is asked for on first connect
}

void MainWindow::removeProfile(Connection *c)
{
    if (!m_connections.contains(c))
        return;
    const bool wasCurrent = c == currentConnection();
    c->disconnect(this);
    c->close();
    m_secrets->deleteSecret(c->id(), {});
    c->setRecorder(nullptr);
    m_routerPanel->removeConnection(c);
    delete itemFor(c);
    if (ConnectionWorkspace *ws = m_workspaces.take(c)) {
        m_stack->removeWidget(ws);
        ws->deleteLater();
    }
    m_connections.removeAll(c);
    c->deleteLater();
    saveProfiles();
    if (wasCurrent)
        selectRouter();
}

void MainWindow::updateItem(Connection *c)
{
    QTreeWidgetItem *item = itemFor(c);
    if (!item)
        return;
    item->setIcon(0, stateIcon(c->state()));
    QString text = c->name();
    if (c->state() == Connection::State::WaitingToReconnect)
        text += QStringLiteral("  — ") + tr("reconnecting in %1 s").arg((c->reconnectRemainingMs() + 999) / 1000);
    else if (c->state() == Connection::State::Failed)
        text += QStringLiteral("  — ") + tr("failed");
    item->setText(0, text);
    item->setToolTip(0, tr("%1\n%2, realm %3, %4\n%5")
                            .arg(c->name(), c->profile().url.toString(), c->profile().realm, c->profile().serializer,
                                 c->stateText()));
}

// ---- secrets and connecting ----

void MainWindow::addNotice(const QString &text)
{
    m_notices << text;
    statusBar()->showMessage(text, 10000);
    appendLog(text);
}

void MainWindow::storeSecret(Connection *c, const QString &secret)
{
    c->setSecret(secret);
    if (c->profile().secretStorage == ConnectionProfile::SecretStorage::SessionOnly)
        return;
    QPointer<Connection> guard(c);
    m_secrets->writeSecret(c->id(), secret, [this, guard](const settings::SecretResult &r) {
        if (!guard || r.ok())
            return;
        fallBackToMemory(guard, r.message, {});
    });
}

void MainWindow::fallBackToMemory(Connection *c, const QString &why, std::function<void()> then)
{
    const QString text = tr("The OS keychain is not available for \"%1\": %2").arg(c->name(), why);
    bool keep = false;
    if (m_options.askKeepInMemory) {
        keep = m_options.askKeepInMemory(c->profile(), why);
    } else {
        keep = QMessageBox::question(this, tr("No keychain"),
                                     text + QStringLiteral("\n\n")
                                         + tr("Keep this profile's secret in memory for this run only? It is never "
                                              "written to disk; you will be asked again after a restart."))
               == QMessageBox::Yes;
    }
    addNotice(text);
    if (!keep) {
        c->setSecret(QString());
        return;
    }
    ConnectionProfile p = c->profile();
    p.secretStorage = ConnectionProfile::SecretStorage::SessionOnly;
    c->setProfile(p);
    saveProfiles();
    if (then)
        then();
}

void MainWindow::promptAndOpen(Connection *c, bool writeToKeychain)
{
    std::optional<QString> secret;
    if (m_options.askSecret) {
        secret = m_options.askSecret(c->profile());
    } else {
        bool ok = false;
        const QString label = c->profile().authMethod == QStringLiteral("cryptosign")
                                  ? tr("Ed25519 private key (64 hex digits) for auth ID \"%1\":").arg(c->profile().authid)
                                  : tr("%1 secret for auth ID \"%2\":").arg(c->profile().authMethod, c->profile().authid);
        const QString s = QInputDialog::getText(this, tr("Secret for %1").arg(c->name()), label,
                                                QLineEdit::Password, QString(), &ok);
        if (ok)
            secret = s;
    }
    if (!secret)
        return;
    if (writeToKeychain)
        storeSecret(c, *secret);
    else
        c->setSecret(*secret);
    c->open();
}

void MainWindow::connectTo(Connection *c)
{
    if (!c)
        return;
    const ConnectionProfile &p = c->profile();
    if (!p.needsSecret() || c->hasSecret()) {
        c->open();
        return;
    }
    if (p.secretStorage == ConnectionProfile::SecretStorage::SessionOnly) {
        promptAndOpen(c, false);
        return;
    }
    QPointer<Connection> guard(c);
    m_secrets->readSecret(p.id, [this, guard](const settings::SecretResult &r) {
        if (!guard)
            return;
        switch (r.status) {
        case settings::SecretResult::Status::Ok:
            guard->setSecret(r.secret);
            guard->open();
            break;
        case settings::SecretResult::Status::NotFound:
            promptAndOpen(guard, true);
            break;
        case settings::SecretResult::Status::NoBackend:
        case settings::SecretResult::Status::Error:
            fallBackToMemory(guard, r.message, [this, guard]() {
                if (guard)
                    promptAndOpen(guard, false);
            });
            break;
        }
    });
}

// ---- import/export ----

int MainWindow::importProfilesFrom(const QByteArray &json)
{
    Result<QList<ConnectionProfile>> list = settings::importProfiles(json);
    if (!list.ok()) {
        addNotice(tr("Import failed: %1").arg(list.errorString()));
        return -1;
    }
    for (const ConnectionProfile &p : *list)
        addProfile(p);
    return int(list->size());
}

QByteArray MainWindow::exportAllProfiles() const
{
    return settings::exportProfiles(profiles());
}

void MainWindow::newProfileDialog()
{
    ConnectionProfile p;
    p.name = tr("New connection");
    if (m_router) {
        const QList<QUrl> urls = m_router->listeningUrls();
        if (!urls.isEmpty())
            p.url = urls.first();
    }
    ProfileDialog d(p, this);
    if (d.exec() != QDialog::Accepted)
        return;
    selectConnection(addProfile(d.profile(), d.secret()));
}

void MainWindow::editProfileDialog()
{
    Connection *c = currentConnection();
    if (!c)
        return;
    ProfileDialog d(c->profile(), this);
    if (d.exec() == QDialog::Accepted)
        updateProfile(c, d.profile(), d.secret());
}

void MainWindow::importProfilesDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import profiles"), QString(), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("Import profiles"), tr("Cannot read %1: %2").arg(path, f.errorString()));
        return;
    }
    const int n = importProfilesFrom(f.readAll());
    if (n < 0)
        QMessageBox::warning(this, tr("Import profiles"), m_notices.last());
    else
        statusBar()->showMessage(tr("Imported %n profile(s); secrets are asked for on first connect.", nullptr, n), 8000);
}

void MainWindow::exportProfilesDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export profiles (without secrets)"),
                                                      QStringLiteral("wampscope-profiles.json"), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(exportAllProfiles()) < 0) {
        QMessageBox::warning(this, tr("Export profiles"), tr("Cannot write %1: %2").arg(path, f.errorString()));
        return;
    }
    statusBar()->showMessage(tr("Exported %n profile(s) to %1 (no secrets).", nullptr, int(m_connections.size())).arg(path), 8000);
}

// ---- selection and status ----

Connection *MainWindow::currentConnection() const
{
    QTreeWidgetItem *item = m_sidebar->currentItem();
    return item ? item->data(0, kConnectionRole).value<Connection *>() : nullptr;
}

void MainWindow::selectConnection(Connection *c)
{
    if (QTreeWidgetItem *item = itemFor(c))
        m_sidebar->setCurrentItem(item);
}

void MainWindow::selectRouter()
{
    m_sidebar->setCurrentItem(m_routerItem);
}

void MainWindow::onSelectionChanged()
{
    Connection *c = currentConnection();
    if (ConnectionWorkspace *ws = workspace(c))
        m_stack->setCurrentWidget(ws);
    else
        m_stack->setCurrentWidget(m_routerPanel);
    refreshStatusBar();
    updateActions();
}

void MainWindow::updateActions()
{
    Connection *c = currentConnection();
    const auto s = c ? c->state() : Connection::State::Disconnected;
    m_connectAct->setEnabled(c && s != Connection::State::Connected && s != Connection::State::Connecting);
    m_disconnectAct->setEnabled(c && s != Connection::State::Disconnected && s != Connection::State::Failed);
    m_cancelReconnectAct->setEnabled(c && s == Connection::State::WaitingToReconnect);
    m_editAct->setEnabled(c);
    m_duplicateAct->setEnabled(c);
    m_deleteAct->setEnabled(c);
}

void MainWindow::refreshStatusBar()
{
    Connection *c = currentConnection();
    if (!c) {
        m_stateLabel->setText(m_router && m_router->isListening()
                                  ? tr("Built-in router: running, %n session(s)", nullptr, m_router->sessionCount())
                                  : tr("Built-in router: stopped"));
        m_realmLabel->clear();
        m_serializerLabel->clear();
        m_rttLabel->clear();
        return;
    }
    QString state = tr("%1: %2").arg(c->name(), c->stateText());
    if (c->state() == Connection::State::Connected)
        state += QStringLiteral(" — ") + tr("session %1").arg(c->session()->sessionId());
    m_stateLabel->setText(state);
    m_realmLabel->setText(tr("Realm: %1").arg(c->profile().realm));
    m_serializerLabel->setText(tr("Serializer: %1").arg(c->profile().serializer));
    const qint64 rtt = c->lastRttUs();
    m_rttLabel->setText(!m_rttProbeAct->isChecked()                                    ? tr("RTT: off")
                        : rtt < 0 || c->state() != Connection::State::Connected ? tr("RTT: –")
                            : tr("RTT: %1 ms (probe)").arg(double(rtt) / 1000.0, 0, 'f', rtt < 10000 ? 2 : 0));
}

QString MainWindow::statusText() const
{
    return QStringList{m_stateLabel->text(), m_realmLabel->text(), m_serializerLabel->text(), m_rttLabel->text()}.join(
        QStringLiteral(" | "));
}

int MainWindow::logLineCount() const
{
    return m_routerPanel->logLineCount();
}

int MainWindow::sessionRowCount() const
{
    return m_routerPanel->sessionRowCount();
}

void MainWindow::appendLog(const QString &line)
{
    m_routerPanel->appendLog(line);
}

void MainWindow::saveWindowState()
{
    m_settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_settings->setValue(QStringLiteral("window/state"), saveState());
    Connection *c = currentConnection();
    m_settings->setValue(QStringLiteral("window/selected"), c ? c->id() : QString());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    saveProfiles();
    m_settings->sync();
    for (Connection *c : std::as_const(m_connections))
        c->close();
    QMainWindow::closeEvent(event);
}

} // namespace wb::ui
