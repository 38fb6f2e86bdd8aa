// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The built-in router: start/stop, listeners, realms and auth summary, its live sessions and its log. It talks to
// the router only through RouterHost (asynchronous start/stop, a cached snapshot, batched log lines) and, for
// the live lists, through the WAMP meta API over one of the window's connections.

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QComboBox;
class QTreeWidget;

namespace wb::client {
class Connection;
}
namespace wb::router {
class RouterHost;
struct RouterLogBatch;
struct SessionInfo;
} // namespace wb::router

namespace wb::ui {

class MetaMonitor;

class RouterPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterPanel)
public:
    /// \a host: nullptr when the app runs without the built-in router (--no-router).
    explicit RouterPanel(router::RouterHost *host, QWidget *parent = nullptr);

    router::RouterHost *routerHost() const { return m_host; }
    /// Connections the live lists can go through (the meta API is called over one of them).
    void addConnection(client::Connection *c);
    void removeConnection(client::Connection *c);
    /// Use \a c for the live lists (default: the first connection added, normally "Local router").
    void setMonitorConnection(client::Connection *c);
    MetaMonitor *monitor() const { return m_monitor; }
    int logLineCount() const;
    int sessionRowCount() const;

public slots:
    void appendLog(const QString &line);
    /// Asks the host to start the router with its last configuration; the outcome arrives later (started()).
    void startRouter();
    /// Asks the host to stop the router (GOODBYE to every session); routerStateChanged() once it has stopped.
    void stopRouter();

signals:
    /// The router started, failed to start or stopped (listening URLs may have changed).
    void routerStateChanged();

private:
    void refreshStatus();
    void addSession(const router::SessionInfo &info);
    void removeSession(const router::SessionInfo &info, const QString &reason);
    void appendBatch(const router::RouterLogBatch &batch);

    router::RouterHost *m_host;
    QLabel *m_status;
    QLabel *m_config;
    QPushButton *m_startStop;
    QComboBox *m_via;
    MetaMonitor *m_monitor;
    QPlainTextEdit *m_log;
};

} // namespace wb::ui
