// vkc.h: the small C core of package gpu. It drives Vulkan 1.2 compute directly: the instance (with the
// validation layer and its messenger when asked), the compute device (created with bufferDeviceAddress),
// buffers with device addresses, pipelines with push-constant-only layouts and command buffers. The
// loader libvulkan.so.1 is opened with dlopen and every entry point looked up through it: no link-time
// dependency on libvulkan (a missing loader is a Go error, not a dynamic-linker failure) and none on any
// window system.
#ifndef GPU_VKC_H
#define GPU_VKC_H

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>
#include <stdint.h>

typedef struct vkc_info {
	char name[VK_MAX_PHYSICAL_DEVICE_NAME_SIZE];
	char driver[VK_MAX_DRIVER_NAME_SIZE + VK_MAX_DRIVER_INFO_SIZE + 4];
	uint32_t type; // VkPhysicalDeviceType
	uint32_t api_version, vendor_id, device_id;
	uint64_t max_storage_buffer_range, max_memory_allocation_size, max_buffer_size;
	uint32_t max_push_constants_size;
	uint32_t max_workgroup_count[3], max_workgroup_size[3], max_workgroup_invocations;
	uint32_t max_shared_memory;
	uint32_t subgroup_size, subgroup_ops, subgroup_stages;
	// Vulkan 1.3 subgroup size control (0 before 1.3): the range a SPIR-V 1.6 kernel may see, and
	// whether pipelines can require full subgroups (computeFullSubgroups, enabled when present).
	uint32_t min_subgroup_size, max_subgroup_size, max_compute_workgroup_subgroups;
	uint32_t required_subgroup_size_stages, has_full_subgroups;
	float timestamp_period;
	uint32_t timestamp_valid_bits;
	uint32_t has_bda, has_vulkan12, has_int64, has_timestamps;
	uint64_t device_local_bytes;
} vkc_info;

// Instance creation. The codes below, or a VkResult, come back through *code when it fails.
enum {
	VKC_NO_LOADER = -1001,   // libvulkan.so.1 could not be opened
	VKC_NO_LAYER = -1002,    // validation was asked for and VK_LAYER_KHRONOS_validation is absent
	VKC_NO_ENTRY = -1003,    // an instance entry point is missing (driver or loader too old)
};
typedef struct vkc_instance vkc_instance;

// vkc_create_instance opens the loader (libvulkan.so.1), creates a Vulkan 1.2+ instance (listing portability drivers
// where the loader can) and loads its entry points. With validation, it enables the Khronos validation
// layer and a debug messenger for warnings and errors, which it passes to the Go function
// gpuValidationMessage with token as the first argument (messages during instance creation included).
vkc_instance *vkc_create_instance(const char *loader, const char *app, int validation, void *token, int *code, char *err, int errlen);
VkInstance vkc_instance_handle(vkc_instance *in);
void vkc_destroy_instance(vkc_instance *in);
// vkc_load_instance (internal to vkc_instance.c and vkc.c) loads the physical-device and device-creation
// entry points of inst; api is the version the instance was created for. Returns 0, or -2 if one is missing.
int vkc_load_instance(VkInstance inst, PFN_vkGetInstanceProcAddr gipa, uint32_t api);
int vkc_enumerate(VkInstance inst, VkPhysicalDevice *out, uint32_t max, uint32_t *count);
void vkc_query(VkPhysicalDevice pd, vkc_info *info);

typedef struct vkc_dev vkc_dev;

// Device creation with bufferDeviceAddress; err receives a message on failure.
vkc_dev *vkc_create_device(VkPhysicalDevice pd, char *err, int errlen);
void vkc_destroy_device(vkc_dev *d);
int vkc_wait_idle(vkc_dev *d);

// Buffers. kind: 0 device (prefer device-local), 1 staging (host-visible, prefer cached).
typedef struct vkc_buffer {
	VkBuffer buf;
	VkDeviceMemory mem;
	uint64_t size, addr;
	void *mapped; // non-NULL when the memory is host-visible (coherent)
	uint32_t mem_flags;
} vkc_buffer;
int vkc_buffer_create(vkc_dev *d, uint64_t size, int kind, vkc_buffer *out);
void vkc_buffer_destroy(vkc_dev *d, vkc_buffer *b);

// Kernels: a compute pipeline whose layout has one push-constant range and no descriptor sets.
typedef struct vkc_kernel {
	VkPipeline pipe;
	VkPipelineLayout layout;
	uint32_t push_size;
} vkc_kernel;
// stage_flags are VkPipelineShaderStageCreateFlags (e.g. REQUIRE_FULL_SUBGROUPS).
int vkc_kernel_create(vkc_dev *d, const void *spv, size_t spv_len, uint32_t push_size, uint32_t stage_flags, vkc_kernel *out);
void vkc_kernel_destroy(vkc_dev *d, vkc_kernel *k);

// Command sequences.
typedef struct vkc_seq {
	VkCommandBuffer cmd;
	VkFence fence;
	VkQueryPool queries;
	uint32_t query_count;
} vkc_seq;
int vkc_seq_create(vkc_dev *d, uint32_t query_count, vkc_seq *out);
void vkc_seq_destroy(vkc_dev *d, vkc_seq *s);
int vkc_seq_begin(vkc_dev *d, vkc_seq *s);
int vkc_seq_end(vkc_dev *d, vkc_seq *s);
void vkc_cmd_dispatch(vkc_dev *d, vkc_seq *s, vkc_kernel *k, const void *push, uint32_t gx, uint32_t gy, uint32_t gz);
void vkc_cmd_barrier(vkc_dev *d, vkc_seq *s, uint32_t src_stage, uint32_t src_access, uint32_t dst_stage, uint32_t dst_access);
void vkc_cmd_copy(vkc_dev *d, vkc_seq *s, vkc_buffer *dst, uint64_t dst_off, vkc_buffer *src, uint64_t src_off, uint64_t size);
void vkc_cmd_fill(vkc_dev *d, vkc_seq *s, vkc_buffer *dst, uint64_t off, uint64_t size, uint32_t word);
void vkc_cmd_timestamp(vkc_dev *d, vkc_seq *s, uint32_t query);
// Submits and waits up to timeout_ns. Returns VK_SUCCESS, VK_TIMEOUT or an error code.
int vkc_seq_submit_wait(vkc_dev *d, vkc_seq *s, uint64_t timeout_ns);
int vkc_seq_timestamps(vkc_dev *d, vkc_seq *s, uint64_t *out, uint32_t count);

#endif
