// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A live line plot (QPainter; no QtCharts): the last kMaxPoints (time, value) samples, autoscaled.

#include <QWidget>

#include <deque>

namespace wb::ui {

class PlotWidget : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlotWidget)
public:
    static constexpr int kMaxPoints = 5000;

    explicit PlotWidget(QWidget *parent = nullptr);

    void addPoint(qint64 timeMs, double value);
    void clear();
    int pointCount() const { return int(m_points.size()); }
    double lastValue() const { return m_points.empty() ? 0 : m_points.back().second; }
    void setTitle(const QString &title);
    QSize sizeHint() const override { return {400, 160}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::deque<std::pair<qint64, double>> m_points;
    QString m_title;
};

} // namespace wb::ui
