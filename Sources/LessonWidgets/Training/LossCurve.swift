import LessonKit

// MARK: - Loss curves

extension Chart {
  /// A loss curve: the train loss per step and the val loss at eval points, on one set of axes.
  public static func lossCurve(
    train: [(step: Int, loss: Double)], val: [(step: Int, loss: Double)] = [], title: String? = "loss"
  ) -> Chart {
    var series = [ChartSeries("train", points: train.map { (Double($0.step), $0.loss) })]
    if !val.isEmpty { series.append(ChartSeries("val", points: val.map { (Double($0.step), $0.loss) })) }
    return .lines(series, xLabel: "step", yLabel: "loss (nats)", title: title)
  }
}
