// SPDX-License-Identifier: GPL-3.0-or-later
#include "theme.h"

#include <QPainter>
#include <QPixmap>

namespace wb::ui {

using client::Connection;

QIcon connectionStateIcon(Connection::State s)
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

} // namespace wb::ui
