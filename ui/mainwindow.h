// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The workbench window (Postman/MQTTX-like): a sidebar with the built-in router and the connection profiles,
// a workspace per connection (tabs Subscribe/Call/Publish/Register), the router panel, a dockable traffic log,
// and a status bar with the selected connection's state, realm, serializer and round-trip time.

#include "settings/connectionprofile.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSettings>

#include <functional>
#include <optional>

class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QSettings;
class QStackedWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace wb::router {
class RouterHost;
}
namespace wb::client {
class Connection;
} // namespace wb::client
namespace wb::settings {
class SecretStore;
} // namespace wb::settings

namespace wb::ui {

class ConnectFlow;
class ConnectionWorkspace;
class RouterPanel;
class TrafficLogPanel;

struct MainWindowOptions
{
    /// Where profiles, window state and preferences go. nullptr: the application's QSettings.
    QSettings *settings = nullptr;
    /// Where secrets go. nullptr: the OS keychain (QtKeychain).
    settings::SecretStore *secrets = nullptr;
    /// Asks the user for a profile's secret; nullopt = canceled. nullptr: a password dialog.
    std::function<std::optional<QString>(const settings::ConnectionProfile &)> askSecret;
    /// The keychain failed (\a why): keep this profile's secret in memory for this run? nullptr: a message box.
    std::function<bool(const settings::ConnectionProfile &, const QString &why)> askKeepInMemory;
    /// Connect the profiles marked "connect on start" (the Local router on first start).
    bool connectOnStart = true;
};

class MainWindow : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    /// \a host: the built-in router (nullptr: none, --no-router). The window only posts requests to it and reads
    /// its snapshot; the window does not own it (the app shuts it down after the window has closed).
    explicit MainWindow(router::RouterHost *host, QWidget *parent = nullptr);
    MainWindow(router::RouterHost *host, const MainWindowOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// The id of the profile that points at the built-in router (created on first start).
    static QString localRouterProfileId() { return QStringLiteral("local-router"); }

    // ---- state, mostly for tests ----
    RouterPanel *routerPanel() const { return m_routerPanel; }
    TrafficLogPanel *trafficLog() const { return m_traffic; }
    QList<client::Connection *> connections() const { return m_connections; }
    client::Connection *connection(const QString &profileId) const;
    ConnectionWorkspace *workspace(client::Connection *c) const { return m_workspaces.value(c); }
    /// The connection selected in the sidebar (nullptr: the router panel is shown).
    client::Connection *currentConnection() const;
    void selectConnection(client::Connection *c);
    void selectRouter();
    QString statusText() const;
    QList<settings::ConnectionProfile> profiles() const;
    /// Notices shown to the user (keychain problems, import errors), newest last.
    QStringList notices() const { return m_notices; }
    int logLineCount() const;
    int sessionRowCount() const;

    // ---- profile operations (the menu actions call these) ----
    client::Connection *addProfile(const settings::ConnectionProfile &profile, const QString &secret = {});
    void updateProfile(client::Connection *c, const settings::ConnectionProfile &profile, const QString &secret = {});
    client::Connection *duplicateProfile(client::Connection *c);
    void removeProfile(client::Connection *c);
    /// Connect, fetching the secret from the keychain (or asking) first when the auth method needs one.
    void connectTo(client::Connection *c);
    /// Import profiles from JSON (new ids when they clash). Returns the number imported or -1 (notice added).
    int importProfilesFrom(const QByteArray &json);
    QByteArray exportAllProfiles() const;

    enum class Theme { System, Light, Dark };
    void setTheme(Theme t);
    Theme theme() const { return m_theme; }

public slots:
    void appendLog(const QString &line);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    /// How often a connected profile measures its round-trip time (View > Measure round-trip time).
    static constexpr int kRttProbeIntervalMs = 5000;

    void buildActions(); // in window/mainwindowmenus.cpp, with setTheme()
    void buildSidebar();
    void loadProfiles();
    void saveProfiles();
    void followBuiltinRouter();
    void saveWindowState();
    void updateItem(client::Connection *c);
    void updateActions();
    void refreshStatusBar();
    void onSelectionChanged();
    void addNotice(const QString &text);
    void storeSecret(client::Connection *c, const QString &secret);
    QTreeWidgetItem *itemFor(client::Connection *c) const;

    void newProfileDialog();
    void editProfileDialog();

    router::RouterHost *m_host;
    MainWindowOptions m_options;
    QSettings *m_settings;
    std::unique_ptr<QSettings> m_ownSettings;
    settings::SecretStore *m_secrets;
    ConnectFlow *m_connectFlow = nullptr;
    bool m_connectLocalWhenStarted = false; ///< connect "Local router" once the built-in router listens
    QList<client::Connection *> m_connections;
    QHash<client::Connection *, ConnectionWorkspace *> m_workspaces;
    QStringList m_notices;
    Theme m_theme = Theme::System;

    QTreeWidget *m_sidebar = nullptr;
    QTreeWidgetItem *m_routerItem = nullptr;
    QTreeWidgetItem *m_connectionsItem = nullptr;
    QStackedWidget *m_stack = nullptr;
    RouterPanel *m_routerPanel = nullptr;
    QDockWidget *m_trafficDock = nullptr;
    TrafficLogPanel *m_traffic = nullptr;
    QLabel *m_stateLabel = nullptr;
    QLabel *m_realmLabel = nullptr;
    QLabel *m_serializerLabel = nullptr;
    QLabel *m_rttLabel = nullptr;

    QAction *m_newAct = nullptr;
    QAction *m_editAct = nullptr;
    QAction *m_duplicateAct = nullptr;
    QAction *m_deleteAct = nullptr;
    QAction *m_connectAct = nullptr;
    QAction *m_disconnectAct = nullptr;
    QAction *m_cancelReconnectAct = nullptr;
    QAction *m_rttProbeAct = nullptr;
    QActionGroup *m_themeGroup = nullptr;
    QPalette m_systemPalette;
    QString m_systemStyle;
};

} // namespace wb::ui
