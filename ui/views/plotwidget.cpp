// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/plotwidget.h"

#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace wb::ui {

PlotWidget::PlotWidget(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(100);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void PlotWidget::addPoint(qint64 timeMs, double value)
{
    if (!std::isfinite(value))
        return;
    m_points.emplace_back(timeMs, value);
    while (m_points.size() > size_t(kMaxPoints))
        m_points.pop_front();
}

void PlotWidget::clear()
{
    m_points.clear();
    update();
}

void PlotWidget::setTitle(const QString &title)
{
    m_title = title;
    update();
}

void PlotWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    const QFontMetrics fm = fontMetrics();
    const int left = fm.horizontalAdvance(QStringLiteral("-000000.00")) + 6;
    const QRect plot = rect().adjusted(left, fm.height() + 4, -8, -fm.height() - 4);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(plot);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(left, 0, width() - left, fm.height() + 2), Qt::AlignLeft | Qt::AlignVCenter,
               m_points.empty() ? (m_title.isEmpty() ? tr("no samples yet") : m_title + tr(": no samples yet"))
                                : QStringLiteral("%1  last %2  (%3 samples)").arg(m_title).arg(m_points.back().second).arg(m_points.size()));
    if (m_points.empty() || plot.width() < 4 || plot.height() < 4)
        return;
    double lo = m_points.front().second, hi = lo;
    for (const auto &pt : m_points) {
        lo = std::min(lo, pt.second);
        hi = std::max(hi, pt.second);
    }
    if (hi - lo < 1e-12) {
        hi += 1;
        lo -= 1;
    }
    const qint64 t0 = m_points.front().first;
    const qint64 t1 = std::max(m_points.back().first, t0 + 1);
    p.drawText(QRect(0, plot.top() - fm.height() / 2, left - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter, QString::number(hi, 'g', 6));
    p.drawText(QRect(0, plot.bottom() - fm.height() / 2, left - 4, fm.height()), Qt::AlignRight | Qt::AlignVCenter, QString::number(lo, 'g', 6));
    p.drawText(QRect(plot.left(), plot.bottom() + 2, plot.width(), fm.height()), Qt::AlignRight,
               tr("%1 s window").arg(double(t1 - t0) / 1000.0, 0, 'f', 1));
    const auto map = [&](const std::pair<qint64, double> &pt) {
        const double x = plot.left() + double(pt.first - t0) / double(t1 - t0) * plot.width();
        const double y = plot.bottom() - (pt.second - lo) / (hi - lo) * plot.height();
        return QPointF(x, y);
    };
    QPainterPath path(map(m_points.front()));
    // At most ~2 points per pixel column: skip samples that land on the same x.
    const double step = std::max(1.0, double(m_points.size()) / (2.0 * plot.width()));
    for (double i = step; i < double(m_points.size()); i += step)
        path.lineTo(map(m_points[size_t(i)]));
    path.lineTo(map(m_points.back()));
    p.setPen(QPen(palette().color(QPalette::Highlight), 1.5));
    p.drawPath(path);
}

} // namespace wb::ui
