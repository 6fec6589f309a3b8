#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sr::host {

// Runs periodic and one-shot tasks on a fixed pool of worker threads. It owns every task:
// cancelling one waits for a running invocation, and Shutdown() joins all threads. A periodic
// task never overlaps itself; after a slow run the next one starts at once, never in bursts.
class TaskScheduler {
 public:
  using TaskId = std::uint64_t;
  using Clock = std::chrono::steady_clock;

  struct Spec {
    std::string owner;  // plugin id ("" for the host)
    std::string name;
    std::function<void()> fn;
    std::chrono::milliseconds initial_delay{0};
    std::chrono::milliseconds period{0};  // 0: once
  };

  explicit TaskScheduler(int threads);
  ~TaskScheduler();
  TaskScheduler(const TaskScheduler&) = delete;
  TaskScheduler& operator=(const TaskScheduler&) = delete;

  // Returns 0 once the scheduler is shutting down.
  TaskId Schedule(Spec spec);
  // Runs `fn` as soon as a worker is free.
  TaskId Submit(std::string owner, std::string name, std::function<void()> fn);
  // Cancels and waits for a running invocation, unless called from inside the task.
  void Cancel(TaskId id);
  // Cancels every task of `owner` and waits for the running ones.
  void CancelOwner(const std::string& owner);
  // While paused, due tasks wait (plugins' tasks begin only once every plugin has started).
  void Pause();
  void Resume();
  // Number of tasks not yet finished or cancelled.
  size_t Pending() const;
  void Shutdown();

 private:
  struct Task {
    TaskId id = 0;
    Spec spec;
    Clock::time_point due;
    bool cancelled = false;
    bool running = false;
    std::thread::id runner;
  };

  void WorkerLoop();
  void WaitUntilIdle(std::unique_lock<std::mutex>& lock, const std::shared_ptr<Task>& task);

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable task_done_;
  std::map<TaskId, std::shared_ptr<Task>> tasks_;
  std::multimap<Clock::time_point, TaskId> queue_;
  std::vector<std::thread> threads_;
  TaskId next_id_ = 1;
  bool stopping_ = false;
  bool paused_ = false;
};

}  // namespace sr::host
