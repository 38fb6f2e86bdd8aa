// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The workspace of one connection: a tab per panel ("Subscribe", "Call", "Publish", "Register"), then a
// "Router" tab with that router's sessions/subscriptions/registrations from the meta API (MetaMonitor).
// Panels are plain QWidgets built with the connection's session:
//     auto *ws = new ConnectionWorkspace(connection, parent);
//     ws->addPanel(new SubscribePanel(ws->session(), ws), tr("Subscribe"));
// addPanel() replaces the placeholder tab of the same title (or appends a new tab).
// The Session object stays the same across disconnects and reconnects (see wb::client::Connection).

#include <QWidget>

class QTabWidget;

namespace wb::client {
class Connection;
}
namespace wb::session {
class Session;
}

namespace wb::ui {

class ConnectionWorkspace : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionWorkspace)
public:
    /// Titles of the standard panels, in tab order.
    static QStringList standardPanelTitles();

    ConnectionWorkspace(client::Connection *connection, QWidget *parent = nullptr);

    client::Connection *connection() const { return m_connection; }
    session::Session *session() const;

    /// Host \a panel in a tab called \a title (takes ownership). Replaces a placeholder of that title.
    void addPanel(QWidget *panel, const QString &title);
    /// The panel hosted under \a title (a placeholder QLabel until a real panel is added), or nullptr.
    QWidget *panel(const QString &title) const;
    /// Show the tab \a title (keyboard shortcuts Alt+1..4).
    void showPanel(const QString &title);
    QTabWidget *tabs() const { return m_tabs; }

    /// Set by the application at start: called for every new workspace to add the real panels.
    using PanelFactory = void (*)(ConnectionWorkspace *workspace);
    static void setPanelFactory(PanelFactory factory);

private:
    client::Connection *m_connection;
    QTabWidget *m_tabs;
};

} // namespace wb::ui
