// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "client/connection.h"
#include "connect/connectflow.h"
#include "connectionworkspace.h"
#include "dialogs/profiledialog.h"
#include "dialogs/profileimportexport.h"
#include "panels/routerpanel.h"
#include "panels/trafficlogpanel.h"
#include "router/routerhost.h"
#include "settings/keychainsecretstore.h"
#include "settings/secretstore.h"
#include "window/theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
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

} // namespace

MainWindow::MainWindow(router::RouterHost *host, QWidget *parent) : MainWindow(host, MainWindowOptions{}, parent) {}

MainWindow::MainWindow(router::RouterHost *host, const MainWindowOptions &options, QWidget *parent)
    : QMainWindow(parent), m_host(host), m_options(options)
{
    setWindowTitle(tr("Wampscope"));
    setObjectName(QStringLiteral("MainWindow"));
    m_settings = options.settings;
    if (!m_settings) {
        m_ownSettings = std::make_unique<QSettings>();
        m_settings = m_ownSettings.get();
    }
    m_secrets = options.secrets ? options.secrets : new settings::KeychainSecretStore(this);
    m_connectFlow = new ConnectFlow(this, m_secrets, options.askSecret, options.askKeepInMemory, this);
    connect(m_connectFlow, &ConnectFlow::notice, this, &MainWindow::addNotice);
    connect(m_connectFlow, &ConnectFlow::profileChanged, this, [this]() { saveProfiles(); });
    m_systemPalette = QApplication::palette();
    m_systemStyle = QApplication::style()->name();

    m_stack = new QStackedWidget(this);
    m_routerPanel = new RouterPanel(host, m_stack);
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
    if (m_host) {
        connect(m_host, &router::RouterHost::started, this, [this](const Status &st) {
            // The Local router waited for the router's real address (its port may be 0 in the config).
            Connection *local = connection(localRouterProfileId());
            if (st.ok() && local && m_connectLocalWhenStarted)
                connectTo(local);
            m_connectLocalWhenStarted = false;
        });
        connect(m_host, &router::RouterHost::snapshotChanged, this, [this]() {
            if (!currentConnection())
                refreshStatusBar();
        });
    }

    const QString theme = m_settings->value(QStringLiteral("view/theme"), QStringLiteral("system")).toString();
    setTheme(theme == QStringLiteral("dark") ? Theme::Dark : theme == QStringLiteral("light") ? Theme::Light : Theme::System);

    loadProfiles();
    resize(1200, 780);
    restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(m_settings->value(QStringLiteral("window/state")).toByteArray());

    const QString selected = m_settings->value(QStringLiteral("window/selected")).toString();
    if (Connection *c = connection(selected))
        selectConnection(c);
    else if (Connection *local = connection(localRouterProfileId()); local && m_host)
        selectConnection(local);
    else
        selectRouter();

    if (m_options.connectOnStart) {
        for (Connection *c : std::as_const(m_connections)) {
            if (!c->profile().connectOnStart)
                continue;
            if (c->id() == localRouterProfileId() && m_host && !m_host->isListening())
                m_connectLocalWhenStarted = true; // started() connects it, with the real URL
            else
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

// ---- profiles ----

void MainWindow::loadProfiles()
{
    settings::ProfileStore store(m_settings);
    QList<ConnectionProfile> list = store.load();
    const bool firstStart = !store.hasSavedProfiles();
    if (firstStart && m_host) {
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
    if (!local || !m_host)
        return;
    for (const QUrl &u : m_host->snapshot().urls) {
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
    item->setIcon(0, connectionStateIcon(c->state()));
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
    m_connectFlow->storeSecret(c, secret);
}

void MainWindow::connectTo(Connection *c)
{
    m_connectFlow->connectTo(c);
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
    if (m_host) {
        const QList<QUrl> urls = m_host->snapshot().urls;
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
        m_stateLabel->setText(m_host && m_host->isListening()
                                  ? tr("Built-in router: running, %n session(s)", nullptr, m_host->snapshot().sessionCount)
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
