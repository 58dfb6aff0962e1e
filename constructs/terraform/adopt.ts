import { type TerraformResource, TerraformStack } from "cdktf";

const blocks = new WeakMap<TerraformStack, Array<{ id: string; to: string }>>();

/**
 * Adopt an object that already exists instead of creating (and colliding with) it: a Terraform
 * `import` block for `resource`, with the provider's import id. Every block of a stack is
 * written as one list, so two constructs adopting something do not overwrite each other.
 * Written directly rather than with importFrom(), which runs `terraform version` on every synth
 * (~0.2 s) to check for >= 1.5; the workspace pins ~> 1.11 and the owner's bootstrap needs 1.11.
 */
export function adopt(resource: TerraformResource, id: string): void {
  const stack = TerraformStack.of(resource);
  const list = blocks.get(stack) ?? [];
  list.push({ id, to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
  blocks.set(stack, list);
  stack.addOverride("import", [...list]);
}
