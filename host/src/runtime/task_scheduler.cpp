#include "runtime/task_scheduler.h"

#include <spdlog/spdlog.h>

namespace sr::host {

TaskScheduler::TaskScheduler(int threads) {
  threads_.reserve(static_cast<size_t>(threads));
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

TaskScheduler::~TaskScheduler() { Shutdown(); }

TaskScheduler::TaskId TaskScheduler::Schedule(Spec spec) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return 0;
  auto task = std::make_shared<Task>();
  task->id = next_id_++;
  task->due = Clock::now() + spec.initial_delay;
  task->spec = std::move(spec);
  tasks_.emplace(task->id, task);
  queue_.emplace(task->due, task->id);
  work_ready_.notify_one();
  return task->id;
}

TaskScheduler::TaskId TaskScheduler::Submit(std::string owner, std::string name,
                                            std::function<void()> fn) {
  return Schedule(Spec{std::move(owner), std::move(name), std::move(fn),
                       std::chrono::milliseconds(0), std::chrono::milliseconds(0)});
}

void TaskScheduler::WaitUntilIdle(std::unique_lock<std::mutex>& lock,
                                  const std::shared_ptr<Task>& task) {
  if (task->running && task->runner != std::this_thread::get_id()) {
    task_done_.wait(lock, [&] { return !task->running; });
  }
}

void TaskScheduler::Cancel(TaskId id) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  std::shared_ptr<Task> task = it->second;
  task->cancelled = true;
  tasks_.erase(it);
  WaitUntilIdle(lock, task);
}

void TaskScheduler::CancelOwner(const std::string& owner) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::vector<std::shared_ptr<Task>> cancelled;
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (it->second->spec.owner == owner) {
      it->second->cancelled = true;
      cancelled.push_back(it->second);
      it = tasks_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& task : cancelled) WaitUntilIdle(lock, task);
}

void TaskScheduler::Pause() {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_ = true;
}

void TaskScheduler::Resume() {
  std::lock_guard<std::mutex> lock(mutex_);
  paused_ = false;
  work_ready_.notify_all();
}

size_t TaskScheduler::Pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tasks_.size();
}

void TaskScheduler::Shutdown() {
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    for (auto& [id, task] : tasks_) task->cancelled = true;
    tasks_.clear();
    queue_.clear();
    work_ready_.notify_all();
  }
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void TaskScheduler::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (queue_.empty() || paused_) {
      work_ready_.wait(lock);
      continue;
    }
    auto next = queue_.begin();
    if (next->first > Clock::now()) {
      // A copy: wait_until reads its deadline again after waking, when the node may be gone.
      const auto deadline = next->first;
      work_ready_.wait_until(lock, deadline);
      continue;
    }
    TaskId id = next->second;
    queue_.erase(next);
    auto found = tasks_.find(id);
    if (found == tasks_.end()) continue;  // cancelled while queued
    std::shared_ptr<Task> task = found->second;
    if (task->cancelled) continue;
    task->running = true;
    task->runner = std::this_thread::get_id();
    lock.unlock();
    try {
      task->spec.fn();
    } catch (const std::exception& e) {
      spdlog::error("task '{}' of '{}' threw: {}", task->spec.name, task->spec.owner, e.what());
    } catch (...) {
      spdlog::error("task '{}' of '{}' threw", task->spec.name, task->spec.owner);
    }
    lock.lock();
    task->running = false;
    task->runner = std::thread::id();
    if (task->spec.period.count() == 0 || task->cancelled) {
      tasks_.erase(task->id);
    } else {
      auto now = Clock::now();
      task->due = std::max(task->due + task->spec.period, now);
      queue_.emplace(task->due, task->id);
    }
    task_done_.notify_all();
  }
}

}  // namespace sr::host
