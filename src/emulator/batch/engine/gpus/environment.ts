/**
 * What a job's environment says about GPUs. The ECS agent sets NVIDIA_VISIBLE_DEVICES to the devices it assigned
 * a container with GPUs; one without GPUs gets none passed in. Here no container hides the host's devices, so a
 * job without GPUs gets CUDA_VISIBLE_DEVICES empty (CUDA then sees no device) and no NVIDIA_VISIBLE_DEVICES.
 */
export function applyGpuEnvironment(env: Record<string, string>, ids: readonly string[]): void {
  if (ids.length === 0) {
    delete env.NVIDIA_VISIBLE_DEVICES
    env.CUDA_VISIBLE_DEVICES = ''
    return
  }

  env.NVIDIA_VISIBLE_DEVICES = ids.join(',')
  env.CUDA_VISIBLE_DEVICES = ids.join(',')
}
